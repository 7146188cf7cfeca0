import { readFile } from 'node:fs/promises';
import {
  isPrivateKeyLabel,
  pemBlocks,
} from '../../shared/credentials/certificate-facts.js';
import { XSERVER_ACCOUNT_KEYS } from '../../shared/credentials/rotation/xserver-renewal.js';
import type { StoredCredential } from '../../shared/credentials/stored-credential.js';
import { loadVendorIdentities } from '../../shared/credentials/xserver/vendor-identities.js';
import { CliError, type CliIo } from '../io.js';

/** The import options that store what an XServer renewal needs beside the certificate. */
export interface XServerAccountOptions {
  xserverAppleId?: string;
  xserverPasswordEnv?: string;
  xserverPasswordFile?: string;
  xserverVendor?: string[];
}

/**
 * Adds the XServer account (Apple ID, password, vendor PEM) to an XServer certificate
 * about to be stored, so the rotation function can renew it. Without these options the
 * credential is returned unchanged. With only some, or for another kind, it throws.
 */
export async function withXServerAccount(
  io: CliIo,
  credential: StoredCredential,
  options: XServerAccountOptions,
): Promise<StoredCredential> {
  const given = [
    options.xserverAppleId,
    options.xserverPasswordEnv,
    options.xserverPasswordFile,
    options.xserverVendor,
  ].some((value) => value !== undefined);
  if (!given) return credential;
  if (credential.kind !== 'xserver-certificate') {
    throw new CliError(
      `--xserver-* options apply to XServer certificates only, but topic '${credential.topic}' ` +
        'is not com.apple.mail.XServer.*: leave them out',
    );
  }

  const appleId = options.xserverAppleId?.trim() ?? '';
  if (appleId === '' || options.xserverVendor === undefined) {
    throw new CliError(
      'an XServer renewal needs --xserver-apple-id, --xserver-vendor and one of ' +
        '--xserver-password-env or --xserver-password-file: give all three',
    );
  }
  const password = await readPassword(io, options);
  const vendorPem = await readVendorPem(options.xserverVendor);
  return {
    ...credential,
    xserver: {
      ...credential.xserver,
      [XSERVER_ACCOUNT_KEYS.appleId]: appleId,
      [XSERVER_ACCOUNT_KEYS.password]: password,
      [XSERVER_ACCOUNT_KEYS.vendorPem]: vendorPem,
    },
  };
}

async function readPassword(io: CliIo, options: XServerAccountOptions): Promise<string> {
  const { xserverPasswordEnv: env, xserverPasswordFile: file } = options;
  if ((env === undefined) === (file === undefined)) {
    throw new CliError(
      'give the Apple ID password with exactly one of --xserver-password-env NAME or ' +
        '--xserver-password-file PATH; it is never taken from the command line',
    );
  }
  if (env !== undefined) {
    const value = io.env[env];
    if (value === undefined || value === '') {
      throw new CliError(
        `environment variable ${env} is unset or empty: set it to the password`,
      );
    }
    return value;
  }
  const text = await readFile(file ?? '', 'utf8').catch(
    (error: NodeJS.ErrnoException) => {
      throw new CliError(
        `password file '${file}' could not be read (${error.code}): check the path`,
      );
    },
  );
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw new CliError(`password file '${file}' is empty`);
  return password;
}

/**
 * Checks the vendor files load as identities, then returns their certificates and keys
 * as one PEM text, which the rotation function loads again at renewal.
 */
async function readVendorPem(paths: string[]): Promise<string> {
  try {
    await loadVendorIdentities(paths);
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error });
  }
  const blocks: string[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new CliError(
        `--xserver-vendor '${path}' could not be read (${error.code}): name the PEM ` +
          'files themselves, not a directory',
      );
    });
    blocks.push(...pemBlocks(text, (label) => label === 'CERTIFICATE'));
    blocks.push(...pemBlocks(text, isPrivateKeyLabel));
  }
  return blocks.join('');
}
