import type { Command } from 'commander';
import type { PushOutcome } from '../../shared/apns/types.js';
import { createUserMapping } from '../../shared/users/user-mapping.js';
import { finishWithin } from '../../shim/bounded-wait.js';
import { loadShimConfig } from '../../shim/config.js';
import { CREDENTIAL_SETTINGS_HINT } from '../../shim/context.js';
import {
  createApnsClient,
  loadConfiguredCredential,
} from '../../shim/credential-files.js';
import { CliError, type CliIo, createCliLogger, openStore, shortToken } from '../io.js';

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
        'each APNs response; registrations stay as they are',
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
  const config = loadShimConfig(io.env);
  if (config.credentialFiles === undefined) {
    throw new CliError(`no APNs credential is configured: ${CREDENTIAL_SETTINGS_HINT}`);
  }
  const user = createUserMapping(config.core.users).map(name);
  const certificate = await loadConfiguredCredential(config.credentialFiles);

  const store = openStore(config);
  const registrations = await store.listByUser(user).finally(() => store.close());
  if (registrations.length === 0) {
    throw new CliError(`${user} has no registered devices`);
  }

  const client = createApnsClient(certificate, config.core.apns, createCliLogger());
  try {
    return await Promise.all(
      registrations.map(async (registration) => {
        const outcome = await client.push({
          deviceToken: registration.deviceToken,
          topic: certificate.topic,
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
