import type { Command } from 'commander';
import type { PushOutcome } from '../../shared/apns/types.js';
import { finishWithin } from '../../shim/bounded-wait.js';
import { CliError, type CliIo, shortToken } from '../io.js';
import {
  explainStoreError,
  openRegistrationStore,
  readRegistrationSource,
} from '../registration-source.js';
import { loadPushTestCredential } from './push-test-source.js';

/** One device's APNs response to a test push. */
export interface DeviceResponse {
  tokenPrefix: string;
  status: number | undefined;
  reason: string | undefined;
  outcome: PushOutcome['kind'];
  apnsId?: string;
}

/** Adds `xaps push test`. */
export function addPushCommands(program: Command, io: CliIo): void {
  const push = program.command('push').description('send pushes by hand');

  push
    .command('test')
    .description(
      'push to every registered device of a user with the configured credential and print ' +
        'each APNs response; registrations stay as they are. With XAPS_MODE=aws the ' +
        'devices come from the DynamoDB table (XAPS_TABLE_NAME) and the credential from ' +
        'the secret (XAPS_CREDENTIAL_SECRET_ID)',
    )
    .requiredOption('--user <name>', 'IMAP username, mapped as the server maps it')
    .option('--json', 'print JSON for scripts')
    .action(async (options: { user: string; json?: boolean }) => {
      const responses = await pushToUser(io, options.user);
      printResponses(io, responses, options.json === true);

      const failed = responses.filter(
        (response) => response.outcome !== 'delivered',
      ).length;
      if (failed > 0) {
        throw new CliError(
          `${failed} of ${responses.length} push(es) were not delivered`,
        );
      }
    });
}

async function pushToUser(io: CliIo, name: string): Promise<DeviceResponse[]> {
  const source = readRegistrationSource(io.env);
  const user = source.users.map(name);
  const credential = await loadPushTestCredential(source, io.env);

  const store = openRegistrationStore(source);
  const registrations = await store
    .listByUser(user)
    .catch((error: unknown) => {
      throw explainStoreError(source, error);
    })
    .finally(() => store.close());
  if (registrations.length === 0) {
    throw new CliError(`${user} has no registered devices`);
  }

  const client = credential.createClient();
  try {
    return await Promise.all(
      registrations.map(async (registration) => {
        const outcome = await client.push({
          deviceToken: registration.deviceToken,
          topic: credential.topic,
          accountId: registration.accountId,
        });
        return toDeviceResponse(registration.deviceToken, outcome);
      }),
    );
  } finally {
    await finishWithin(client.close(), 5_000);
  }
}

function toDeviceResponse(deviceToken: string, outcome: PushOutcome): DeviceResponse {
  const response: DeviceResponse = {
    tokenPrefix: shortToken(deviceToken),
    status: outcome.status,
    reason: outcome.kind === 'delivered' ? undefined : outcome.reason,
    outcome: outcome.kind,
  };
  if (outcome.kind === 'delivered') {
    response.apnsId = outcome.apnsId;
  }
  return response;
}

function printResponses(io: CliIo, responses: DeviceResponse[], json: boolean): void {
  if (json) {
    io.out(`${JSON.stringify(responses, null, 2)}\n`);
    return;
  }
  for (const response of responses) {
    const status =
      response.status === undefined ? 'no response' : String(response.status);
    const reason = response.reason === undefined ? '' : ` ${response.reason}`;
    io.out(`${response.tokenPrefix}…  ${status}${reason}  ${response.outcome}\n`);
  }
}
