import type { Command } from 'commander';
import type { CredentialPlan } from '../../shared/credentials/rotation/policy.js';
import type { CliIo } from '../io.js';
import {
  type AwsCredentialStatus,
  type LocalCredentialStatus,
  readAwsStatus,
  readLocalStatus,
} from './credential-status-read.js';
import { credentialPlace, type TargetOptions } from './credential-target.js';

interface StatusOptions extends TargetOptions {
  json?: boolean;
}

/** Adds `status` to the `xaps credential` command group. */
export function addCredentialStatusCommand(credential: Command, io: CliIo): void {
  credential
    .command('status')
    .description(
      'show the credential in use, when it expires and what happens next (renewal date, ' +
        'warnings, a waiting upload, a rotation in progress, the credential block); with ' +
        'no secret or table given, the local mode credential of xaps serve',
    )
    .option(
      '--secret <id>',
      'name or ARN of the secret; default XAPS_CREDENTIAL_SECRET_ID',
    )
    .option('--table <name>', 'registrations table; default XAPS_TABLE_NAME')
    .option('--region <name>', 'AWS region; default from AWS_REGION or the AWS profile')
    .option('--json', 'print JSON for scripts')
    .action(async (options: StatusOptions) => {
      const place = credentialPlace(io, options);
      const now = new Date();
      const status =
        place.mode === 'aws'
          ? await readAwsStatus(place, now)
          : await readLocalStatus(io, now);
      io.out(
        options.json === true
          ? `${JSON.stringify(status, null, 2)}\n`
          : formatStatus(status),
      );
    });
}

/** Formats a status as aligned lines. */
export function formatStatus(
  status: AwsCredentialStatus | LocalCredentialStatus,
): string {
  const rows: Array<[string, string]> = [];
  if (status.mode === 'aws') {
    rows.push(['secret', status.secretId], ['table', status.tableName]);
  } else {
    rows.push(['data dir', status.dataDir]);
  }
  if (status.credential === null) {
    rows.push(['credential', 'none: import one with xaps credential import']);
    return lines(rows);
  }

  const { credential } = status;
  rows.push(
    ['kind', credential.kind],
    ['topic', credential.topic],
    ['environment', credential.environment],
    ['expires', describeExpiry(credential.notAfter, status.plan)],
  );
  if (status.mode === 'local') rows.push(['source', status.source ?? '(none)']);
  else rows.push(['version', `${status.currentVersionId ?? '(none)'} (AWSCURRENT)`]);
  if (status.plan !== null) rows.push(['next', status.plan.next]);
  if (status.plan?.warning !== undefined)
    rows.push(['warning', status.plan.warning.message]);
  if (status.mode === 'aws') rows.push(...awsRows(status));
  return lines(rows);
}

function awsRows(status: AwsCredentialStatus): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const { block, lastCheck } = status;
  rows.push([
    'block',
    block === null
      ? 'none'
      : `pushes blocked since ${block.at}: APNs responded with ${block.reason} for version ` +
        `${block.versionId}; import a working credential, or fix the cause and run ` +
        'xaps credential clear-block',
  ]);
  rows.push(['upload', status.uploadedVersionId ?? 'none waiting']);
  if (status.pendingVersionId !== null) {
    rows.push(['rotation', `AWSPENDING on version ${status.pendingVersionId}`]);
  }
  if (!status.rotationEnabled) {
    rows.push(['rotation', 'no rotation function attached: deploy the stack']);
  }
  rows.push([
    'renewal',
    lastCheck === null ? 'unknown until the daily check runs' : lastCheck.renewal,
  ]);
  rows.push([
    'last check',
    lastCheck === null
      ? 'none since the last import or rotation'
      : `${lastCheck.at}: ${lastCheck.action}${lastCheck.detail === undefined ? '' : ` (${lastCheck.detail})`}`,
  ]);
  return rows;
}

function describeExpiry(notAfter: string | null, plan: CredentialPlan | null): string {
  if (notAfter === null) return 'never (token keys do not expire)';
  const days = plan?.daysLeft ?? null;
  if (days === null) return notAfter;
  return days >= 0
    ? `${notAfter} (in ${days} day(s))`
    : `${notAfter} (${-days} day(s) ago)`;
}

function lines(rows: Array<[string, string]>): string {
  return `${rows.map(([label, value]) => `${label.padEnd(13)}${value}`).join('\n')}\n`;
}
