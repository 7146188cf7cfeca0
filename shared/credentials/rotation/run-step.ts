import { type CreateOutcome, createSecret } from './create-secret.js';
import { type FinishOutcome, finishSecret } from './finish-secret.js';
import {
  ROTATION_STEPS,
  type RotationDeps,
  type RotationEvent,
  type RotationStep,
} from './rotation-types.js';
import { type TestOutcome, testSecret } from './test-secret.js';

/** Outcome of one step, for the handler's log line and the tests. */
export type StepResult =
  | { step: 'createSecret'; outcome: CreateOutcome }
  | { step: 'setSecret'; outcome: 'nothing-to-set' }
  | { step: 'testSecret'; outcome: TestOutcome }
  | { step: 'finishSecret'; outcome: FinishOutcome };

/**
 * Reads the event Secrets Manager invokes a rotation function with. Throws naming the
 * field when it is not {"Step", "SecretId", "ClientRequestToken"}.
 */
export function parseRotationEvent(event: unknown): RotationEvent {
  const fields =
    typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = fields;
  if (!ROTATION_STEPS.includes(step as RotationStep)) {
    throw new Error(
      `rotation event Step ${JSON.stringify(step)} is invalid: expected one of ` +
        `${ROTATION_STEPS.join(', ')}; this function is invoked by Secrets Manager rotation`,
    );
  }
  return {
    Step: step as RotationStep,
    SecretId: requireText('SecretId', secretId),
    ClientRequestToken: requireText('ClientRequestToken', token),
  };
}

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`rotation event ${name} is missing or empty: expected a string`);
  }
  return value;
}

/** Runs one step of Secrets Manager's rotation contract. Every step is safe to repeat. */
export async function runRotationStep(
  event: RotationEvent,
  deps: RotationDeps,
): Promise<StepResult> {
  switch (event.Step) {
    case 'createSecret':
      return { step: event.Step, outcome: await createSecret(event, deps) };
    case 'setSecret':
      // Apple keeps no copy of the credential to update, so the new one works as is.
      deps.logger.info('setSecret: nothing to set outside Secrets Manager', {
        secretId: event.SecretId,
        token: event.ClientRequestToken,
      });
      return { step: event.Step, outcome: 'nothing-to-set' };
    case 'testSecret':
      return { step: event.Step, outcome: await testSecret(event, deps) };
    case 'finishSecret':
      return { step: event.Step, outcome: await finishSecret(event, deps) };
  }
}
