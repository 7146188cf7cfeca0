import type {
  StoredCredential,
  StoredTokenKey,
} from '../../shared/credentials/stored-credential.js';
import {
  writeImportedCredential,
  writeImportedTokenKey,
} from '../../shim/imported-credential.js';
import type { CliIo } from '../io.js';

const USED_WHEN =
  'xaps serve uses them when no XAPS_APNS_* credential (XAPS_APNS_CERT, XAPS_APNS_KEY, ' +
  'XAPS_APNS_P12, XAPS_APNS_TOKEN_KEY) is set; restart it to switch\n';

/**
 * Copies a credential into the local mode's data directory, where `xaps serve` finds it
 * when no XAPS_APNS_* credential is set: a certificate as credential/apns-cert.pem and
 * credential/apns-key.pem, a token key as credential/apns-token-key.p8 with its
 * identifiers and topic in credential/apns-token.json. A running server keeps its
 * credential until it restarts.
 */
export async function importToLocal(
  io: CliIo,
  credential: StoredCredential,
  dataDir: string,
  json: boolean,
): Promise<void> {
  if (credential.kind === 'token-key') {
    await importTokenKeyToLocal(io, credential, dataDir, json);
    return;
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
      `  key          ${paths.keyPath}\n${USED_WHEN}`,
  );
}

async function importTokenKeyToLocal(
  io: CliIo,
  credential: StoredTokenKey,
  dataDir: string,
  json: boolean,
): Promise<void> {
  const { topic, kind, keyId, teamId } = credential;
  const paths = await writeImportedTokenKey(dataDir, credential.keyPem, {
    keyId,
    teamId,
    topic,
  });
  if (json) {
    const body = { mode: 'local', ...paths, topic, kind, keyId, teamId, notAfter: null };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  io.out(
    `copied the token key ${keyId} of team ${teamId} for topic ${topic} (does not expire)\n` +
      `  key       ${paths.keyPath}\n` +
      `  settings  ${paths.settingsPath}\n${USED_WHEN}`,
  );
}
