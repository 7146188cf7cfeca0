import { CredentialWriteError } from '../../shared/credentials/credential-writer.js';
import {
  type CertificateSource,
  loadCertificate,
} from '../../shared/credentials/load-certificate.js';
import type { CredentialProblem } from '../../shared/credentials/model.js';
import type { RotateSecretCall } from '../../shared/credentials/rotation/start-rotation.js';
import { storedCertificateOf } from '../../shared/credentials/stored-certificate.js';
import type {
  ApnsEnvironmentName,
  StoredCredential,
} from '../../shared/credentials/stored-credential.js';
import { CliError, type CliIo } from '../io.js';
import { importToAws, printAwsImport } from './credential-import-aws.js';
import { importToLocal } from './credential-import-local.js';
import {
  isTokenKeyImport,
  type TokenKeyOptions,
  tokenKeyImport,
} from './credential-import-token.js';
import { awsClients, credentialPlace, type TargetOptions } from './credential-target.js';
import {
  withXServerAccount,
  type XServerAccountOptions,
} from './credential-xserver-account.js';

/** Options of `xaps credential import`, as commander parses them. */
export interface ImportOptions
  extends TargetOptions,
    XServerAccountOptions,
    TokenKeyOptions {
  cert?: string;
  key?: string;
  p12?: string;
  environment?: ApnsEnvironmentName;
  json?: boolean;
}

/** Replaceable parts of an import, for tests: the RotateSecret call and the clock. */
export interface ImportDeps {
  rotate?: RotateSecretCall;
  now?: Date;
}

/**
 * Loads the certificate or token key, rejects one that cannot push, then stores it: in
 * the AWS deployment (first import as AWSCURRENT, later ones uploaded for rotation) or,
 * with no secret or table given, in the local data directory. Warnings go to stderr and
 * the result to stdout.
 */
export async function importCredential(
  io: CliIo,
  options: ImportOptions,
  deps: ImportDeps = {},
): Promise<void> {
  const tokenKey = isTokenKeyImport(options);
  const source = tokenKey ? undefined : certificateSource(io, options);
  const place = credentialPlace(io, options);

  const now = deps.now ?? new Date();
  const { credential, problems } =
    source === undefined
      ? await tokenKeyImport(options, now)
      : await certificateImport(source, options, now);
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) {
    throw new CliError(
      `${errors.map((problem) => problem.message).join('; ')} (nothing was stored)`,
    );
  }
  for (const warning of problems) {
    io.err(`xaps: warning: ${warning.message}\n`);
  }
  const stored = await withXServerAccount(io, credential, options);

  if (place.mode === 'local') {
    await importToLocal(io, stored, place.dataDir, options.json === true);
    return;
  }
  const clients = awsClients(place.region);
  try {
    const target = { ...clients, secretId: place.secretId, tableName: place.tableName };
    const result = await importToAws(target, stored, { now, rotate: deps.rotate });
    const names = { secretId: place.secretId, tableName: place.tableName };
    printAwsImport(io, result, names, options.json === true);
  } catch (error) {
    if (error instanceof CredentialWriteError) throw new CliError(error.message);
    throw error;
  } finally {
    clients.close();
  }
}

async function certificateImport(
  source: CertificateSource,
  options: ImportOptions,
  now: Date,
): Promise<{ credential: StoredCredential; problems: CredentialProblem[] }> {
  const loaded = await loadCertificate(source);
  if (options.topic !== undefined && options.topic !== loaded.topic) {
    throw new CliError(
      `${describeSource(source)} is for topic '${loaded.topic}', not --topic ` +
        `'${options.topic}', because a certificate's topic is its subject UID: import ` +
        'the certificate for that topic, or leave --topic out (nothing was stored)',
    );
  }
  return storedCertificateOf(loaded, describeSource(source), {
    now,
    ...(options.environment !== undefined && { environment: options.environment }),
  });
}

function certificateSource(io: CliIo, options: ImportOptions): CertificateSource {
  const hasPem = options.cert !== undefined || options.key !== undefined;
  if (options.p12 !== undefined && hasPem) {
    throw new CliError('give either --p12 or --cert with --key, not both');
  }
  if (options.p12 !== undefined) {
    // A PKCS#12 file exported without a password still has one: the empty string.
    const passphrase = io.env.XAPS_APNS_P12_PASSPHRASE ?? '';
    return { format: 'pkcs12', path: options.p12, passphrase };
  }
  if (options.cert === undefined || options.key === undefined) {
    throw new CliError(
      'no credential given: pass --cert <file> and --key <file> (PEM), --p12 <file>, ' +
        'or --p8 <file> with --team-id and --topic (token key)',
    );
  }
  return { format: 'pem', certPath: options.cert, keyPath: options.key };
}

function describeSource(source: CertificateSource): string {
  return source.format === 'pkcs12'
    ? `PKCS#12 file '${source.path}'`
    : `certificate file '${source.certPath}'`;
}
