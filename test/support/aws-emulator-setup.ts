import type { TestProject } from 'vitest/node';
import type { AwsEmulator } from './aws-env.js';
import { ensureMotoVenv, startMotoServer } from './aws-moto.js';

/** Region the tests use against moto; any region works there. */
const MOTO_REGION = 'us-east-1';

/**
 * Vitest global setup of the AWS test project: uses the emulator at
 * AWS_ENDPOINT_URL when set (LocalStack), otherwise starts moto on 127.0.0.1
 * and stops it after the run. Test files read the result with inject().
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const external = process.env.AWS_ENDPOINT_URL;
  if (external) {
    project.provide('awsEmulator', {
      endpoint: external,
      region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? MOTO_REGION,
      startedMoto: false,
    });
    return undefined;
  }

  const venvStarted = performance.now();
  ensureMotoVenv();
  const venvMs = Math.round(performance.now() - venvStarted);

  const server = await startMotoServer();
  console.info(
    `moto is ready at ${server.endpoint}: started in ${server.startMs} ms, venv check ${venvMs} ms`,
  );
  const emulator: AwsEmulator = {
    endpoint: server.endpoint,
    region: MOTO_REGION,
    startedMoto: true,
  };
  project.provide('awsEmulator', emulator);
  return () => server.stop();
}
