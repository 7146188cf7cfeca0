import { readFile } from 'node:fs/promises';
import { inspectCertificate, type LoadedCertificate } from './certificate-facts.js';
import { CredentialError } from './errors.js';
import { pkcs12ToPem } from './pkcs12.js';

export type {
  CertificateEnvironment,
  LoadedCertificate,
} from './certificate-facts.js';
export { CredentialError, type CredentialErrorCode } from './errors.js';

/**
 * Location of a push certificate: a PEM certificate file and a PEM key file (they may
 * be the same file), or one PKCS#12 (.p12) file.
 */
export type CertificateSource =
  | {
      format: 'pem';
      certPath: string;
      keyPath: string;
      /** Passphrase of an encrypted PEM private key. */
      keyPassphrase?: string;
    }
  | { format: 'pkcs12'; path: string; passphrase: string };

/**
 * Loads a push certificate and its key, checks that they belong together and reads the
 * topic (subject UID), expiry and APNs environment. Throws CredentialError naming the
 * file and the fix; messages never contain key material or the passphrase.
 */
export async function loadCertificate(
  source: CertificateSource,
): Promise<LoadedCertificate> {
  if (source.format === 'pkcs12') {
    const der = await readSourceFile(source.path, 'PKCS#12 file');
    const origin = `PKCS#12 file '${source.path}'`;
    const { certPem, keyPem } = pkcs12ToPem(der, source.passphrase, origin);
    return inspectCertificate(certPem, keyPem, { cert: origin, key: origin });
  }

  const certPem = (await readSourceFile(source.certPath, 'certificate file')).toString(
    'utf8',
  );
  const keyPem = (await readSourceFile(source.keyPath, 'key file')).toString('utf8');
  return inspectCertificate(
    certPem,
    keyPem,
    {
      cert: `certificate file '${source.certPath}'`,
      key: `key file '${source.keyPath}'`,
    },
    source.keyPassphrase,
  );
}

/** Reads a credential file; throws CredentialError 'file-missing' or 'file-unreadable'. */
export async function readSourceFile(path: string, fileKind: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new CredentialError(
        'file-missing',
        `${fileKind} '${path}' does not exist: check the path, or upload the credential first`,
      );
    }
    throw new CredentialError(
      'file-unreadable',
      `${fileKind} '${path}' could not be read (${code ?? (error as Error).message}): ` +
        'check that this process has read permission on it',
      { cause: error },
    );
  }
}
