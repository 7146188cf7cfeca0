import type { StoredCredential } from '../../shared/credentials/stored-credential.js';
import { writeImportedCredential } from '../../shim/imported-credential.js';
import { CliError, type CliIo } from '../io.js';

/**
 * Copies a certificate credential into the local mode's data directory, as
 * credential/apns-cert.pem and credential/apns-key.pem, where `xaps serve` finds it when
 * no XAPS_APNS_* file is set. A running server keeps its credential until it restarts.
 */
export async function importToLocal(
  io: CliIo,
  credential: StoredCredential,
  dataDir: string,
  json: boolean,
): Promise<void> {
  if (credential.kind === 'token-key') {
    throw new CliError(
      'the local mode pushes with certificates only: import a certificate',
    );
  }
  const paths = await writeImportedCredential(
    dataDir,
    credential.certPem,
    credential.keyPem,
  );
  if (json) {
    const { topic, kind, environment, notAfter } = credential;
    io.out(
      `${JSON.stringify({ mode: 'local', ...paths, topic, kind, environment, notAfter }, null, 2)}\n`,
    );
    return;
  }
  io.out(
    `copied the certificate for topic ${credential.topic} ` +
      `(${credential.environment}, expires ${credential.notAfter ?? 'never'})\n` +
      `  certificate  ${paths.certPath}\n` +
      `  key          ${paths.keyPath}\n` +
      'xaps serve uses them when XAPS_APNS_CERT, XAPS_APNS_KEY and XAPS_APNS_P12 are ' +
      'unset; restart it to switch\n',
  );
}
