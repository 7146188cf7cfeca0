import { inject } from 'vitest';

/** Where the AWS tests send requests, as the global setup provides it. */
export interface AwsEmulator {
  endpoint: string;
  region: string;
  /** True when the setup started moto itself (dummy credentials are then forced). */
  startedMoto: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    awsEmulator: AwsEmulator;
  }
}

/** Settings for an AWS SDK v3 client aimed at the test emulator. */
export interface AwsClientSettings {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** Returns the emulator this test run uses; throws outside the AWS test project. */
export function awsEmulator(): AwsEmulator {
  const emulator = inject('awsEmulator');
  if (emulator === undefined) {
    throw new Error(
      'no AWS emulator was provided: run AWS tests through the "aws" vitest project ' +
        '(files under test/integration/aws), whose global setup starts one',
    );
  }
  return emulator;
}

/** Returns client settings for the emulator, with the dummy credentials moto accepts. */
export function awsClientSettings(): AwsClientSettings {
  const emulator = awsEmulator();
  return {
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test',
    },
  };
}

/**
 * Points this worker's environment at the emulator, so code that builds its
 * own SDK clients (Lambda handlers at module scope) reaches it too. Against
 * moto, real credentials and profiles are removed: nothing can reach AWS itself.
 */
export function applyAwsTestEnvironment(): void {
  const emulator = awsEmulator();
  process.env.AWS_ENDPOINT_URL = emulator.endpoint;
  process.env.AWS_REGION = emulator.region;
  process.env.AWS_DEFAULT_REGION = emulator.region;

  if (emulator.startedMoto) {
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ROLE_ARN']) {
      delete process.env[name];
    }
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    return;
  }
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
}
