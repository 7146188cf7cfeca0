import { ApnsClient } from '../shared/apns/client.js';
import type { TokenCredential } from '../shared/apns/types.js';
import { readApnsCaFile } from '../shared/config/apns-ca.js';
import type { ApnsSettings } from '../shared/config/apns-settings.js';
import { CredentialError } from '../shared/credentials/errors.js';
import {
  type CertificateSource,
  type LoadedCertificate,
  loadCertificate,
  readSourceFile,
} from '../shared/credentials/load-certificate.js';
import { certificateKindOf } from '../shared/credentials/model.js';
import type { StoredCredentialKind } from '../shared/credentials/stored-credential.js';
import { checkTokenIdentifiers, readTokenKey } from '../shared/credentials/token-key.js';
import { topicProblems, topicSyntaxProblem } from '../shared/credentials/validate.js';
import type { Logger } from '../shared/log/logger.js';
import type { CredentialFiles, TokenKeyFiles } from './config.js';

/** A token key loaded from its .p8 file, with the topic configured beside it. */
export interface LoadedTokenKey {
  credential: TokenCredential;
  topic: string;
  /** A token key does not expire. */
  notAfter: null;
  /** A token key signs for the sandbox and the production host alike. */
  environment: 'both';
}

/** A credential loaded from files: a certificate, or a token key. */
export type LoadedCredential = LoadedCertificate | LoadedTokenKey;

/** Reports whether a loaded credential is a token key. */
export function isTokenKey(loaded: LoadedCredential): loaded is LoadedTokenKey {
  return loaded.credential.kind === 'token';
}

/** Returns the stored-credential kind of a loaded credential. */
export function kindOf(loaded: LoadedCredential): StoredCredentialKind {
  return isTokenKey(loaded) ? 'token-key' : certificateKindOf(loaded.topic);
}

/**
 * Loads the credential named by XAPS_APNS_CERT/XAPS_APNS_KEY, XAPS_APNS_P12 or
 * XAPS_APNS_TOKEN_KEY, or the one `xaps credential import` copied into the data
 * directory.
 */
export function loadConfiguredCredential(
  files: CredentialFiles,
): Promise<LoadedCredential> {
  if (files.kind === 'p8') return loadTokenKey(files);
  const source: CertificateSource =
    files.kind === 'pem'
      ? { format: 'pem', certPath: files.certPath, keyPath: files.keyPath }
      : { format: 'pkcs12', path: files.p12Path, passphrase: files.passphrase ?? '' };
  return loadCertificate(source);
}

/**
 * Reads a .p8 token key and checks it and its identifiers: a P-256 key, 10-character
 * Key ID and Team ID, and a topic fit for the IMAP reply. Throws CredentialError naming
 * the file; messages never contain key material.
 */
async function loadTokenKey(files: TokenKeyFiles): Promise<LoadedTokenKey> {
  const origin = `token key file '${files.keyPath}'`;
  const keyPem = (await readSourceFile(files.keyPath, 'token key file')).toString('utf8');
  readTokenKey(keyPem, origin);
  checkTokenIdentifiers(files.keyId, files.teamId);
  const syntax = topicSyntaxProblem(files.topic, origin);
  if (syntax !== undefined) throw new CredentialError('topic-invalid', syntax.message);

  return {
    credential: { kind: 'token', keyPem, keyId: files.keyId, teamId: files.teamId },
    topic: files.topic,
    notAfter: null,
    environment: 'both',
  };
}

/** Returns the start-up warning without a credential; `knownTopic` is the last topic served. */
export function noCredentialWarning(knownTopic: string | undefined): string {
  const fix =
    'set XAPS_APNS_CERT and XAPS_APNS_KEY, XAPS_APNS_P12, or XAPS_APNS_TOKEN_KEY with ' +
    'XAPS_APNS_KEY_ID, XAPS_APNS_TEAM_ID and XAPS_APNS_TOPIC, or copy a credential into ' +
    'the data directory with `xaps credential import`';
  if (knownTopic === undefined) {
    return (
      `no APNs credential configured: ${fix}; /register responds 503 until then ` +
      '(Dovecot shows devices the topic "(null)")'
    );
  }
  return (
    `no APNs credential configured: ${fix}; /register still answers with the last ` +
    `topic served (${knownTopic}), but no push is sent until then`
  );
}

/** Creates the APNs client for a loaded credential and the XAPS_APNS_* settings. */
export function createApnsClient(
  loaded: LoadedCredential,
  settings: ApnsSettings,
  logger: Logger,
): ApnsClient {
  const ca = settings.caFile === undefined ? undefined : readApnsCaFile(settings.caFile);
  return new ApnsClient({
    credential: loaded.credential,
    endpoint: settings.endpoint,
    priority: settings.priority,
    logger,
    ...(ca === undefined ? {} : { ca }),
  });
}

/**
 * Returns warnings about a credential that loads but will cause trouble: its topic, and
 * for a certificate its environment. The expiry check (credential-expiry-check.ts) warns
 * about the expiry date.
 */
export function credentialWarnings(
  loaded: LoadedCredential,
  settings: ApnsSettings,
): string[] {
  const origin = isTokenKey(loaded) ? 'the APNs token key' : 'the APNs certificate';
  // Checked at load: a topic with spaces or control characters does not get this far.
  const warnings = topicProblems(loaded.topic, origin).map((problem) => problem.message);
  if (isTokenKey(loaded)) return warnings;

  const env = loaded.environment;
  if (
    (settings.endpointKind === 'production' && env === 'sandbox') ||
    (settings.endpointKind === 'sandbox' && env === 'production')
  ) {
    warnings.push(
      `the certificate is for the APNs ${env} environment but XAPS_APNS_ENDPOINT is ` +
        `${settings.endpointKind}: APNs responds with BadDeviceToken or BadCertificateEnvironment; ` +
        `set XAPS_APNS_ENDPOINT=${env}`,
    );
  }

  return warnings;
}
