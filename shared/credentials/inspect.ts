import {
  emptyReport,
  inspectCertificateSource,
  problemOf,
} from './inspect-certificate.js';
import { readSourceFile } from './load-certificate.js';
import type { CredentialReport, CredentialSource, TokenKeySource } from './model.js';
import { keyIdFromFileName, readTokenKey } from './token-key.js';
import { tokenIdentifierProblems } from './validate.js';

export interface InspectOptions {
  /** Clock in epoch ms for the validity checks; default Date.now(). */
  now?: number;
}

/**
 * Reads a credential of any kind and reports its kind, topic, further topics, expiry
 * and environment, with every problem found. It rejects only on programming errors:
 * unreadable files, wrong passphrases and bad content become error-severity problems.
 */
export function inspectCredential(
  source: CredentialSource,
  options: InspectOptions = {},
): Promise<CredentialReport> {
  const nowMs = options.now ?? Date.now();
  if (source.format === 'p8') return inspectTokenKey(source);
  return inspectCertificateSource(source, nowMs);
}

/** Checks a .p8 token key and the Key ID, Team ID and topic given with it. */
async function inspectTokenKey(source: TokenKeySource): Promise<CredentialReport> {
  const report = emptyReport([source.keyPath]);
  const origin = `key file '${source.keyPath}'`;
  const keyId = source.keyId ?? keyIdFromFileName(source.keyPath);
  report.kind = 'token-key';
  report.topic = source.topic ?? null;
  // A token key signs for the sandbox and the production host alike.
  report.environment = 'both';
  report.tokenKey = { keyId: keyId ?? null, teamId: source.teamId ?? null };

  try {
    const pem = await readSourceFile(source.keyPath, 'key file');
    readTokenKey(pem.toString('utf8'), origin);
  } catch (error) {
    const problem = problemOf(error);
    report.problems.push(
      problem.code === 'unsupported-key' ? { ...problem, code: 'key-not-p256' } : problem,
    );
  }

  report.problems.push(
    ...tokenIdentifierProblems(
      { keyId, teamId: source.teamId, topic: source.topic },
      origin,
    ),
  );
  return report;
}
