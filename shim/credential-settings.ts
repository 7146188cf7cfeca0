import { resolve } from 'node:path';
import { ConfigError, type Env, readString } from '../shared/config/env.js';
import type { CredentialProblemCode } from '../shared/credentials/model.js';
import { keyIdFromFileName } from '../shared/credentials/token-key.js';
import { tokenIdentifierProblems } from '../shared/credentials/validate.js';

/** A provider token key (.p8), the identifiers its JWT carries and the topic. */
export interface TokenKeyFiles {
  kind: 'p8';
  keyPath: string;
  keyId: string;
  teamId: string;
  topic: string;
}

/** Files of the APNs credential: PEM certificate and key, PKCS#12, or token key. */
export type CredentialFiles =
  | { kind: 'pem'; certPath: string; keyPath: string }
  | { kind: 'p12'; p12Path: string; passphrase: string | undefined }
  | TokenKeyFiles;

const CERTIFICATE_SETTINGS = [
  'XAPS_APNS_CERT',
  'XAPS_APNS_KEY',
  'XAPS_APNS_P12',
  'XAPS_APNS_P12_PASSPHRASE',
];
const TOKEN_SETTINGS = ['XAPS_APNS_KEY_ID', 'XAPS_APNS_TEAM_ID', 'XAPS_APNS_TOPIC'];

/** The setting each token identifier problem is about. */
const SETTING_OF_PROBLEM: Partial<Record<CredentialProblemCode, string>> = {
  'key-id-invalid': 'XAPS_APNS_KEY_ID',
  'team-id-invalid': 'XAPS_APNS_TEAM_ID',
  'topic-missing': 'XAPS_APNS_TOPIC',
  'topic-invalid': 'XAPS_APNS_TOPIC',
  'topic-not-mail': 'XAPS_APNS_TOPIC',
};

/**
 * Reads the credential settings: XAPS_APNS_CERT with XAPS_APNS_KEY, XAPS_APNS_P12, or
 * XAPS_APNS_TOKEN_KEY with its identifiers and topic; undefined when none is set.
 * Throws ConfigError naming the variable when they conflict or one is missing or invalid.
 */
export function readCredentialFiles(env: Env): CredentialFiles | undefined {
  if (readString(env, 'XAPS_APNS_TOKEN_KEY') !== undefined) {
    return readTokenKeyFiles(env);
  }
  for (const name of TOKEN_SETTINGS) {
    if (readString(env, name) !== undefined) {
      throw new ConfigError(
        name,
        `${name} is set without XAPS_APNS_TOKEN_KEY: set XAPS_APNS_TOKEN_KEY to the .p8 ` +
          `key file, or unset ${name} (a certificate's topic is its subject UID)`,
      );
    }
  }
  return readCertificateFiles(env);
}

function readTokenKeyFiles(env: Env): TokenKeyFiles {
  const keyPath = resolve(readString(env, 'XAPS_APNS_TOKEN_KEY') ?? '');
  for (const name of CERTIFICATE_SETTINGS) {
    if (readString(env, name) !== undefined) {
      throw new ConfigError(
        name,
        `XAPS_APNS_TOKEN_KEY and ${name} are both set: keep one credential, the token ` +
          'key or the certificate',
      );
    }
  }

  // Apple names the downloaded key AuthKey_<KEYID>.p8, so the name can supply the id.
  const keyId = readString(env, 'XAPS_APNS_KEY_ID') ?? keyIdFromFileName(keyPath);
  const teamId = readString(env, 'XAPS_APNS_TEAM_ID');
  const topic = readString(env, 'XAPS_APNS_TOPIC');
  const origin = `the token key XAPS_APNS_TOKEN_KEY='${keyPath}'`;
  for (const problem of tokenIdentifierProblems({ keyId, teamId, topic }, origin)) {
    const setting = SETTING_OF_PROBLEM[problem.code];
    if (problem.severity === 'error' && setting !== undefined) {
      throw new ConfigError(setting, `${setting}: ${problem.message}`);
    }
  }
  return {
    kind: 'p8',
    keyPath,
    keyId: keyId ?? '',
    teamId: teamId ?? '',
    topic: topic ?? '',
  };
}

function readCertificateFiles(env: Env): CredentialFiles | undefined {
  const certPath = readString(env, 'XAPS_APNS_CERT');
  const keyPath = readString(env, 'XAPS_APNS_KEY');
  const p12Path = readString(env, 'XAPS_APNS_P12');
  // Kept as written, spaces included, unless blank: blank values count as unset.
  const rawPassphrase = env.XAPS_APNS_P12_PASSPHRASE;
  const passphrase = rawPassphrase?.trim() === '' ? undefined : rawPassphrase;

  if (p12Path !== undefined && (certPath !== undefined || keyPath !== undefined)) {
    throw new ConfigError(
      'XAPS_APNS_P12',
      'XAPS_APNS_P12 and XAPS_APNS_CERT/XAPS_APNS_KEY are both set: keep one credential',
    );
  }
  if (p12Path !== undefined) {
    return { kind: 'p12', p12Path: resolve(p12Path), passphrase };
  }
  if (passphrase !== undefined) {
    throw new ConfigError(
      'XAPS_APNS_P12_PASSPHRASE',
      'XAPS_APNS_P12_PASSPHRASE is set without XAPS_APNS_P12: set the PKCS#12 file path too',
    );
  }
  if (certPath === undefined && keyPath === undefined) {
    return undefined;
  }
  if (certPath === undefined || keyPath === undefined) {
    const missing = certPath === undefined ? 'XAPS_APNS_CERT' : 'XAPS_APNS_KEY';
    throw new ConfigError(
      missing,
      `${missing} is missing: XAPS_APNS_CERT (certificate PEM) and XAPS_APNS_KEY ` +
        '(private key PEM) are set together',
    );
  }
  return { kind: 'pem', certPath: resolve(certPath), keyPath: resolve(keyPath) };
}
