import { readSourceFile } from '../../shared/credentials/load-certificate.js';
import type { ApnsEnvironmentName } from '../../shared/credentials/stored-credential.js';
import {
  storedTokenKeyOf,
  type TokenKeyImport,
} from '../../shared/credentials/stored-token-key.js';
import { keyIdFromFileName } from '../../shared/credentials/token-key.js';
import { CliError } from '../io.js';

/** The options of `xaps credential import` that describe a token key. */
export interface TokenKeyOptions {
  p8?: string;
  keyId?: string;
  teamId?: string;
  topic?: string;
  cert?: string;
  key?: string;
  p12?: string;
  environment?: ApnsEnvironmentName;
}

/**
 * Throws when the options mix a token key with a certificate, or give a Key ID or Team
 * ID without --p8. Returns whether a token key is to be imported.
 */
export function isTokenKeyImport(options: TokenKeyOptions): boolean {
  const certificate = [options.cert, options.key, options.p12].some(
    (v) => v !== undefined,
  );
  if (options.p8 !== undefined && certificate) {
    throw new CliError(
      'give either --p8 (a token key) or a certificate (--cert with --key, or --p12), not both',
    );
  }
  if (options.p8 === undefined && (options.keyId ?? options.teamId) !== undefined) {
    throw new CliError(
      '--key-id and --team-id belong to a token key: give the .p8 file with --p8, or ' +
        'leave them out',
    );
  }
  return options.p8 !== undefined;
}

/**
 * Reads the .p8 file and builds the stored token key with the identifiers given. The
 * Key ID defaults to the one in an AuthKey_<KEYID>.p8 file name, as Apple names it.
 */
export async function tokenKeyImport(
  options: TokenKeyOptions,
  now: Date,
): Promise<TokenKeyImport> {
  const path = options.p8 ?? '';
  const keyPem = (await readSourceFile(path, 'token key file')).toString('utf8');
  const ids = {
    keyId: options.keyId ?? keyIdFromFileName(path),
    teamId: options.teamId,
    topic: options.topic,
  };
  return storedTokenKeyOf(keyPem, ids, `token key file '${path}'`, {
    now,
    ...(options.environment !== undefined && { environment: options.environment }),
  });
}
