import type { Command } from 'commander';
import { clearBlocked } from '../../shared/credentials/credential-block.js';
import type { CliIo } from '../io.js';
import { awsClients, type TargetOptions, tableOf } from './credential-target.js';

interface ClearBlockOptions extends TargetOptions {
  json?: boolean;
}

/** Adds `clear-block` to the `xaps credential` command group. */
export function addCredentialClearBlockCommand(credential: Command, io: CliIo): void {
  credential
    .command('clear-block')
    .description(
      'AWS deployment only: let the push function send again after APNs rejected the ' +
        'credential (for example after setting XAPS_APNS_ENDPOINT for a ' +
        'BadCertificateEnvironment); a rotation or an import clears the block as well',
    )
    .option('--table <name>', 'registrations table; default XAPS_TABLE_NAME')
    .option('--region <name>', 'AWS region; default from AWS_REGION or the AWS profile')
    .option('--json', 'print JSON for scripts')
    .action(async (options: ClearBlockOptions) => {
      const tableName = tableOf(io, options);
      const clients = awsClients(options.region);
      try {
        const cleared = await clearBlocked(clients.dynamodb, tableName);
        if (options.json === true) {
          io.out(`${JSON.stringify({ tableName, cleared: cleared ?? null }, null, 2)}\n`);
          return;
        }
        io.out(
          cleared === undefined
            ? `no credential block was set in table ${tableName}\n`
            : `cleared the credential block set at ${cleared.at} (APNs responded with ` +
                `${cleared.reason} for version ${cleared.versionId}); pushes resume with ` +
                'the next event, and another rejection sets it again\n',
        );
      } finally {
        clients.close();
      }
    });
}
