import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApnsStandin } from './apns-standin.js';
import {
  TEST_KEY_ID,
  TEST_TEAM_ID,
  TEST_TOKEN_TOPIC,
} from './apns-standin-token-harness.js';
import {
  createTempDir,
  createTestCa,
  generateTokenKey,
  issueServerCertificate,
  type TempDir,
  type TestTokenKey,
} from './pki.js';

/**
 * A bearer-token stand-in on the real clock, for a process that signs its JWTs with
 * Date.now(): a fresh P-256 key it trusts for TEST_TOKEN_TOPIC, the key written as
 * AuthKey_<KEYID>.p8 the way Apple names the download, and the stand-in's CA as a file.
 */
export interface TokenKeySetup {
  standin: ApnsStandin;
  key: TestTokenKey;
  temp: TempDir;
  /** The .p8 file, mode 0600. */
  keyPath: string;
  /** PEM CA file for XAPS_APNS_CA. */
  caFile: string;
  keyId: string;
  teamId: string;
  topic: string;
  /** The XAPS_APNS_* settings of this token key and stand-in. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** Starts the stand-in and writes its files into a fresh temporary directory. */
export async function startTokenKeySetup(): Promise<TokenKeySetup> {
  const ca = createTestCa();
  const server = issueServerCertificate(ca);
  const key = generateTokenKey();
  const standin = await ApnsStandin.start({
    ca: ca.certPem,
    cert: server.certPem,
    key: server.keyPem,
    tokenAuth: {
      keys: [
        {
          keyId: TEST_KEY_ID,
          teamId: TEST_TEAM_ID,
          publicKeyPem: key.publicKeyPem,
          topics: [TEST_TOKEN_TOPIC],
        },
      ],
    },
  });
  const temp = await createTempDir('xaps-token-key-');
  const keyPath = join(temp.path, `AuthKey_${TEST_KEY_ID}.p8`);
  const caFile = join(temp.path, 'apns-test-ca.pem');
  await writeFile(keyPath, key.keyPem, { mode: 0o600 });
  await writeFile(caFile, ca.certPem);

  return {
    standin,
    key,
    temp,
    keyPath,
    caFile,
    keyId: TEST_KEY_ID,
    teamId: TEST_TEAM_ID,
    topic: TEST_TOKEN_TOPIC,
    env: () => ({
      XAPS_APNS_TOKEN_KEY: keyPath,
      XAPS_APNS_KEY_ID: TEST_KEY_ID,
      XAPS_APNS_TEAM_ID: TEST_TEAM_ID,
      XAPS_APNS_TOPIC: TEST_TOKEN_TOPIC,
      XAPS_APNS_ENDPOINT: standin.url,
      XAPS_APNS_CA: caFile,
    }),
    async close() {
      await standin.close();
      await temp.remove();
    },
  };
}
