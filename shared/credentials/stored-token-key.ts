import type { CredentialProblem } from './model.js';
import {
  type ApnsEnvironmentName,
  STORED_CREDENTIAL_FORMAT_VERSION,
  type StoredTokenKey,
} from './stored-credential.js';
import { readTokenKey } from './token-key.js';
import { tokenIdentifierProblems } from './validate.js';

/** A token key ready to store, and what the checks found about it. */
export interface TokenKeyImport {
  credential: StoredTokenKey;
  /** Errors mean the key cannot push and must not be stored. */
  problems: CredentialProblem[];
}

/** The identifiers given beside a .p8 file; the file itself names none of them. */
export interface TokenKeyIdentifiers {
  keyId: string | undefined;
  teamId: string | undefined;
  topic: string | undefined;
}

export interface TokenKeyImportOptions {
  /** Time of the import, stored as storedAt. */
  now: Date;
  /** APNs host to record; default production, the host iOS Mail's pushes go through. */
  environment?: ApnsEnvironmentName;
}

/**
 * Builds the stored form of a provider token key (.p8) with its Key ID, Team ID and
 * topic. Throws CredentialError when the PEM is not an EC P-256 key. Malformed or
 * missing identifiers and a topic iOS Mail rejects come back as error problems.
 * `origin` names the file in messages, which never contain key material.
 */
export function storedTokenKeyOf(
  keyPem: string,
  ids: TokenKeyIdentifiers,
  origin: string,
  options: TokenKeyImportOptions,
): TokenKeyImport {
  readTokenKey(keyPem, origin);
  const problems = tokenIdentifierProblems(ids, origin);
  const credential: StoredTokenKey = {
    formatVersion: STORED_CREDENTIAL_FORMAT_VERSION,
    kind: 'token-key',
    topic: ids.topic ?? '',
    // A token key signs for either host; the push function pushes to the one named here.
    environment: options.environment ?? 'production',
    notAfter: null,
    storedAt: options.now.toISOString(),
    keyPem,
    keyId: ids.keyId ?? '',
    teamId: ids.teamId ?? '',
  };
  return { credential, problems };
}
