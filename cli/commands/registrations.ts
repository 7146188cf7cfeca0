import type { Command } from 'commander';
import type {
  Registration,
  RegistrationStore,
} from '../../shared/registrations/types.js';
import { CliError, type CliIo, isoTime, shortToken } from '../io.js';
import {
  explainStoreError,
  openRegistrationStore,
  readRegistrationSource,
} from '../registration-source.js';

interface UserOptions {
  user: string;
  json?: boolean;
}

/** Adds `xaps registrations list` and `xaps registrations delete`. */
export function addRegistrationsCommands(program: Command, io: CliIo): void {
  const registrations = program
    .command('registrations')
    .description(
      'list or delete the devices registered for push, in the data directory or, with ' +
        'XAPS_MODE=aws, in the DynamoDB table (XAPS_TABLE_NAME)',
    );

  registrations
    .command('list')
    .description(
      "list a user's registered devices (device tokens shown by 8-character prefix)",
    )
    .requiredOption('--user <name>', 'IMAP username, mapped as the server maps it')
    .option('--json', 'print JSON for scripts')
    .action(async (options: UserOptions) => {
      await withStore(io, options, async (store, user) => {
        const rows = await store.listByUser(user);
        printList(io, user, rows, options.json === true);
      });
    });

  registrations
    .command('delete')
    .description(
      "delete a user's registrations: all of them, or the one device --token names",
    )
    .requiredOption('--user <name>', 'IMAP username, mapped as the server maps it')
    .option(
      '--token <prefix>',
      'first hex characters of the device token (8 are shown by list)',
    )
    .option('--json', 'print JSON for scripts')
    .action(async (options: UserOptions & { token?: string }) => {
      await withStore(io, options, async (store, user) => {
        const deleted = await deleteRegistrations(store, user, options.token);
        if (options.json === true) {
          io.out(`${JSON.stringify({ user, deleted: deleted.map(shortToken) })}\n`);
          return;
        }
        io.out(`deleted ${deleted.length} registration(s) of ${user}\n`);
      });
    });
}

/**
 * Runs `body` on the store XAPS_MODE selects: the data directory's SQLite file, or the
 * DynamoDB table (XAPS_TABLE_NAME) with XAPS_MODE=aws.
 */
async function withStore(
  io: CliIo,
  options: UserOptions,
  body: (store: RegistrationStore, user: string) => Promise<void>,
): Promise<void> {
  const source = readRegistrationSource(io.env);
  const user = source.users.map(options.user);
  const store = openRegistrationStore(source);
  try {
    await body(store, user);
  } catch (error) {
    throw explainStoreError(source, error);
  } finally {
    await store.close();
  }
}

async function deleteRegistrations(
  store: RegistrationStore,
  user: string,
  tokenPrefix: string | undefined,
): Promise<string[]> {
  const rows = await store.listByUser(user);
  if (tokenPrefix === undefined) {
    await store.deleteByUser(user);
    return rows.map((row) => row.deviceToken);
  }

  const prefix = tokenPrefix.toLowerCase();
  if (!/^[0-9a-f]{4,}$/.test(prefix)) {
    throw new CliError(
      `--token '${tokenPrefix}' is invalid: give at least 4 hex characters`,
    );
  }
  const matches = rows.filter((row) => row.deviceToken.startsWith(prefix));
  if (matches.length === 0) {
    throw new CliError(
      `no registration of ${user} has a device token starting with ${prefix}`,
    );
  }
  if (matches.length > 1) {
    throw new CliError(
      `--token ${prefix} matches ${matches.length} devices of ${user}: give more characters`,
    );
  }
  const [match] = matches;
  if (match !== undefined) {
    await store.delete(user, match.deviceToken);
  }
  return matches.map((row) => row.deviceToken);
}

function printList(io: CliIo, user: string, rows: Registration[], json: boolean): void {
  if (json) {
    const devices = rows.map((row) => ({
      user: row.user,
      tokenPrefix: shortToken(row.deviceToken),
      accountId: row.accountId,
      mailboxes: row.mailboxes,
      apsVersion: row.apsVersion,
      topic: row.topic,
      createdAt: isoTime(row.createdAt),
      updatedAt: isoTime(row.updatedAt),
      expiresAt: isoTime(row.expiresAt),
    }));
    io.out(`${JSON.stringify(devices, null, 2)}\n`);
    return;
  }

  io.out(`${user}: ${rows.length} device(s)\n`);
  for (const row of rows) {
    io.out(
      `  ${shortToken(row.deviceToken)}…  registered ${isoTime(row.updatedAt)}  ` +
        `expires ${isoTime(row.expiresAt)}  mailboxes: ${row.mailboxes.join(', ')}\n`,
    );
  }
}
