import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isPrivateKeyLabel, pemBlocks } from './certificate-facts.js';
import type { CredentialSource } from './model.js';

/** Facts given beside the file itself: a separate key, a passphrase, token identifiers. */
export interface SourceHints {
  /** PEM private key of a certificate file that contains none. */
  keyPath?: string;
  /** Passphrase of a PKCS#12 file or an encrypted PEM key. */
  passphrase?: string;
  keyId?: string;
  teamId?: string;
  topic?: string;
}

export type DetectedSource =
  | { ok: true; source: CredentialSource }
  | { ok: false; reason: string };

/**
 * Decides from its content how to read a credential file. PEM with a certificate is a
 * certificate, with its key in the same file or at `hints.keyPath`. PEM with only a
 * private key is a .p8 token key, and anything else is PKCS#12. A file that cannot be
 * read is classified by its extension, so that inspecting it reports the read failure.
 */
export async function detectCredentialSource(
  path: string,
  hints: SourceHints = {},
): Promise<DetectedSource> {
  let text: string | undefined;
  try {
    text = (await readFile(path)).toString('latin1');
  } catch {
    text = undefined;
  }

  const kind = text === undefined ? kindByExtension(path) : kindByContent(text);
  switch (kind) {
    case 'certificate':
      return certificateSource(path, text, hints);
    case 'key-only':
      return tokenKeySource(path, text, hints);
    case 'pkcs12':
      return {
        ok: true,
        source: { format: 'pkcs12', path, passphrase: hints.passphrase ?? '' },
      };
  }
}

type FileKind = 'certificate' | 'key-only' | 'pkcs12';

function kindByContent(text: string): FileKind {
  if (pemBlocks(text, (label) => label === 'CERTIFICATE').length > 0)
    return 'certificate';
  if (pemBlocks(text, isPrivateKeyLabel).length > 0) return 'key-only';
  return text.includes('-----BEGIN ') ? 'certificate' : 'pkcs12';
}

function kindByExtension(path: string): FileKind {
  const extension = extname(path).toLowerCase();
  if (extension === '.p12' || extension === '.pfx') return 'pkcs12';
  if (extension === '.p8') return 'key-only';
  return 'certificate';
}

function certificateSource(
  path: string,
  text: string | undefined,
  hints: SourceHints,
): DetectedSource {
  const hasKey = text !== undefined && pemBlocks(text, isPrivateKeyLabel).length > 0;
  if (!hasKey && hints.keyPath === undefined && text !== undefined) {
    return {
      ok: false,
      reason:
        `certificate file '${path}' contains no private key: give the key file with ` +
        '--key FILE, or inspect the .p12 file instead',
    };
  }
  const keyPath = hasKey ? path : (hints.keyPath ?? path);
  const source: CredentialSource = { format: 'pem', certPath: path, keyPath };
  if (hints.passphrase !== undefined) source.keyPassphrase = hints.passphrase;
  return { ok: true, source };
}

function tokenKeySource(
  path: string,
  text: string | undefined,
  hints: SourceHints,
): DetectedSource {
  const tokenHints = [hints.keyId, hints.teamId, hints.topic].some(
    (hint) => hint !== undefined,
  );
  if (!tokenHints && text !== undefined && containsRsaKey(text)) {
    return {
      ok: false,
      reason:
        `key file '${path}' contains only an RSA private key: give its certificate as the ` +
        'file and this key with --key FILE (a .p8 token key is an EC key)',
    };
  }
  const source: CredentialSource = { format: 'p8', keyPath: path };
  if (hints.keyId !== undefined) source.keyId = hints.keyId;
  if (hints.teamId !== undefined) source.teamId = hints.teamId;
  if (hints.topic !== undefined) source.topic = hints.topic;
  return { ok: true, source };
}

function containsRsaKey(text: string): boolean {
  const block = pemBlocks(text, isPrivateKeyLabel)[0];
  if (block === undefined) return false;
  try {
    return createPrivateKey(block).asymmetricKeyType === 'rsa';
  } catch {
    // An encrypted or damaged key: inspecting it as a token key reports the failure.
    return false;
  }
}
