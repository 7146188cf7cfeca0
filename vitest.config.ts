import { configDefaults, defineConfig } from 'vitest/config';

// Tests that need the AWS emulator: their project's global setup starts moto,
// so a run that selects none of them (e.g. test/unit) never starts it.
const AWS_TESTS = 'test/integration/aws/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, AWS_TESTS],
        },
      },
      {
        extends: true,
        test: {
          name: 'aws',
          include: [AWS_TESTS],
          globalSetup: ['test/support/aws-emulator-setup.ts'],
          setupFiles: ['test/support/aws-env-setup.ts'],
        },
      },
    ],
  },
});
