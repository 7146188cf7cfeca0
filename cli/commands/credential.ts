import { type Command, Option } from 'commander';
import type { CliIo } from '../io.js';
import { addCredentialClearBlockCommand } from './credential-clear-block.js';
import { type ImportOptions, importCredential } from './credential-import.js';
import { addCredentialInspectCommand } from './credential-inspect.js';
import { addCredentialRequestCommand } from './credential-request.js';
import { addCredentialStatusCommand } from './credential-status.js';

/**
 * Adds the `xaps credential` group. `inspect` reports on credential files, and `import`
 * stores a certificate or token key in the data directory or the AWS deployment.
 * `request` uses the XServer route, `status` shows the credential in use and the next
 * step, and `clear-block` lets the push function send again.
 */
export function addCredentialCommands(program: Command, io: CliIo): void {
  const credential = program
    .command('credential')
    .description(
      'check, store and follow the APNs credential: inspect and request work on files; ' +
        'import and status use the local data directory, or the AWS deployment when a ' +
        'secret or table is given; clear-block is for the AWS deployment only',
    );

  credential
    .command('import')
    .description(
      'store a push certificate (PEM pair or PKCS#12) or a token key (.p8 with --team-id ' +
        'and --topic). In the AWS deployment the first one becomes the current version ' +
        'of the Secrets Manager secret, with its topic, kind, environment and expiry in ' +
        'the config item; a later one is uploaded under the XAPS_UPLOADED label and a ' +
        'rotation starts, which tests it against APNs before making it current. With no ' +
        'secret or table given, it is copied into the data directory ' +
        '(XAPS_DATA_DIR/credential) for xaps serve. A .p12 passphrase comes from ' +
        'XAPS_APNS_P12_PASSPHRASE (empty when unset)',
    )
    .option('--cert <file>', 'PEM certificate (with any chain after it)')
    .option('--key <file>', 'unencrypted PEM private key of that certificate')
    .option('--p12 <file>', 'PKCS#12 file containing the certificate and its key')
    .option('--p8 <file>', "token key (.p8) downloaded from Apple's developer portal")
    .option('--key-id <id>', 'Key ID of the .p8 key (default: from AuthKey_<ID>.p8)')
    .option('--team-id <id>', 'Team ID of the Apple developer account of the .p8 key')
    .option(
      '--topic <topic>',
      'mail push topic of the .p8 key; with a certificate, checked against its subject UID',
    )
    .option(
      '--secret <id>',
      'name or ARN of the secret (stack output CredentialSecretArn); ' +
        'default XAPS_CREDENTIAL_SECRET_ID',
    )
    .option(
      '--table <name>',
      'registrations table (stack output RegistrationsTableName); default XAPS_TABLE_NAME',
    )
    .addOption(
      new Option(
        '--environment <name>',
        "APNs host to record, instead of the one the certificate's markers name " +
          '(a token key: default production)',
      ).choices(['production', 'sandbox']),
    )
    .option('--xserver-apple-id <id>', 'XServer only: Apple ID the rotation renews with')
    .option(
      '--xserver-password-env <name>',
      'XServer only: environment variable holding that Apple ID password',
    )
    .option('--xserver-password-file <path>', 'XServer only: file holding that password')
    .option(
      '--xserver-vendor <files...>',
      "XServer only: PEM files with the vendor certificate chains and keys of the operator's macOS Server",
    )
    .option('--region <name>', 'AWS region; default from AWS_REGION or the AWS profile')
    .option('--json', 'print JSON for scripts')
    .action(async (options: ImportOptions) => {
      await importCredential(io, options);
    });

  addCredentialStatusCommand(credential, io);
  addCredentialClearBlockCommand(credential, io);
  addCredentialInspectCommand(credential, io);
  addCredentialRequestCommand(credential, io);
}
