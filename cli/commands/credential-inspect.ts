import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  detectCredentialSource,
  type SourceHints,
} from '../../shared/credentials/detect-source.js';
import { inspectCredential } from '../../shared/credentials/inspect.js';
import {
  type CredentialProblem,
  type CredentialReport,
  isUsable,
  type OtherTopic,
} from '../../shared/credentials/model.js';
import { isoDate } from '../../shared/credentials/validate.js';
import { CliError, type CliIo } from '../io.js';

export interface InspectCommandOptions {
  key?: string;
  passphraseEnv?: string;
  passphraseFile?: string;
  keyId?: string;
  teamId?: string;
  topic?: string;
  json?: boolean;
}

/** Adds `inspect` to the `xaps credential` command group. */
export function addCredentialInspectCommand(credential: Command, io: CliIo): void {
  credential
    .command('inspect')
    .description(
      'read push credentials (PEM certificate, PKCS#12 or .p8 token key) and print kind, ' +
        'topic, further topics, expiry, environment and every problem found; exit status ' +
        '1 when any credential has an error',
    )
    .argument('<files...>', 'credential files; the format is read from their content')
    .option('--key <file>', 'PEM private key of a certificate file that contains none')
    .option(
      '--passphrase-env <name>',
      'environment variable holding the passphrase of a .p12 file or encrypted PEM key',
    )
    .option('--passphrase-file <path>', 'file whose first line is that passphrase')
    .option('--key-id <id>', 'Key ID of a .p8 token key (default: from AuthKey_<ID>.p8)')
    .option('--team-id <id>', 'Team ID of the Apple developer account of a .p8 token key')
    .option('--topic <topic>', 'push topic to use with a .p8 token key')
    .option('--json', 'print JSON for scripts')
    .action(async (files: string[], options: InspectCommandOptions) => {
      const reports = await inspectFiles(io, files, options);
      if (options.json === true) {
        io.out(`${JSON.stringify(reports.map(reportJson), null, 2)}\n`);
      } else {
        io.out(reports.map((report) => formatReport(report)).join('\n'));
      }

      const unusable = reports.filter((report) => !isUsable(report)).length;
      if (unusable > 0) {
        throw new CliError(
          `${unusable} of ${reports.length} credential(s) cannot be used: fix the errors listed`,
        );
      }
    });
}

/** Inspects each file in turn with the hints given on the command line. */
export async function inspectFiles(
  io: CliIo,
  files: string[],
  options: InspectCommandOptions,
  now?: number,
): Promise<CredentialReport[]> {
  const hints = await hintsFrom(io, options);
  const reports: CredentialReport[] = [];
  for (const file of files) {
    const detected = await detectCredentialSource(file, hints);
    if (!detected.ok) throw new CliError(detected.reason);
    reports.push(
      await inspectCredential(detected.source, now === undefined ? {} : { now }),
    );
  }
  return reports;
}

async function hintsFrom(
  io: CliIo,
  options: InspectCommandOptions,
): Promise<SourceHints> {
  const hints: SourceHints = {};
  const passphrase = await readPassphrase(io, options);
  if (passphrase !== undefined) hints.passphrase = passphrase;
  if (options.key !== undefined) hints.keyPath = options.key;
  if (options.keyId !== undefined) hints.keyId = options.keyId;
  if (options.teamId !== undefined) hints.teamId = options.teamId;
  if (options.topic !== undefined) hints.topic = options.topic;
  return hints;
}

/**
 * Reads the passphrase from an environment variable or a file. There is no option that
 * takes the passphrase itself, because command lines are visible to every local user.
 */
async function readPassphrase(
  io: CliIo,
  options: InspectCommandOptions,
): Promise<string | undefined> {
  const { passphraseEnv, passphraseFile } = options;
  if (passphraseEnv !== undefined && passphraseFile !== undefined) {
    throw new CliError('give either --passphrase-env or --passphrase-file, not both');
  }
  if (passphraseEnv !== undefined) {
    const value = io.env[passphraseEnv];
    if (value === undefined) {
      throw new CliError(
        `environment variable ${passphraseEnv} (from --passphrase-env) is not set: ` +
          'export the passphrase in it, or use --passphrase-file',
      );
    }
    return value;
  }
  if (passphraseFile === undefined) return undefined;

  try {
    const text = await readFile(passphraseFile, 'utf8');
    return text.split(/\r?\n/)[0] ?? '';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new CliError(
      `passphrase file '${passphraseFile}' could not be read (${code}): check the path ` +
        'and that this user may read it',
    );
  }
}

/** A credential report as `xaps credential inspect --json` prints it. */
export interface CredentialReportJson {
  files: string[];
  kind: CredentialReport['kind'];
  topic: string | null;
  otherTopics: OtherTopic[];
  /** ISO 8601 UTC, or null for a token key or an unreadable certificate. */
  notAfter: string | null;
  environment: CredentialReport['environment'];
  tokenKey: CredentialReport['tokenKey'];
  usable: boolean;
  problems: CredentialProblem[];
}

const DAY_MS = 86_400_000;

/** Converts a report to its JSON form. */
export function reportJson(report: CredentialReport): CredentialReportJson {
  return {
    files: report.files,
    kind: report.kind,
    topic: report.topic,
    otherTopics: report.otherTopics,
    notAfter: report.notAfter === null ? null : isoDate(report.notAfter),
    environment: report.environment,
    tokenKey: report.tokenKey,
    usable: isUsable(report),
    problems: report.problems,
  };
}

/** Formats a report as aligned lines: the facts, then one line per problem. */
export function formatReport(report: CredentialReport, nowMs = Date.now()): string {
  const rows: Array<[string, string]> = [
    ['kind', report.kind ?? '(unknown)'],
    ['topic', report.topic ?? '(none)'],
  ];
  if (report.otherTopics.length > 0) {
    rows.push(['other topics', report.otherTopics.map(describeTopic).join(', ')]);
  }
  if (report.tokenKey !== null) {
    rows.push(['key id', report.tokenKey.keyId ?? '(none)']);
    rows.push(['team id', report.tokenKey.teamId ?? '(none)']);
  }
  rows.push(['expires', describeExpiry(report, nowMs)]);
  rows.push(['environment', report.environment ?? '(unknown)']);
  rows.push(['usable', isUsable(report) ? 'yes' : 'no']);

  const lines = [report.files.join(' + ')];
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(14)}${value}`);
  for (const problem of report.problems) {
    lines.push(`  ${problem.severity.padEnd(8)} ${problem.code}: ${problem.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeTopic(entry: OtherTopic): string {
  return entry.usages.length === 0
    ? entry.topic
    : `${entry.topic} (${entry.usages.join(', ')})`;
}

function describeExpiry(report: CredentialReport, nowMs: number): string {
  if (report.notAfter === null) {
    return report.kind === 'token-key' ? 'never (token keys do not expire)' : '(unknown)';
  }
  const days = Math.floor((report.notAfter.getTime() - nowMs) / DAY_MS);
  const relative = days >= 0 ? `in ${days} day(s)` : `${-days} day(s) ago`;
  return `${isoDate(report.notAfter)} (${relative})`;
}
