import type { StoredCredentialKind } from '../shared/credentials/stored-credential.js';
import type { NewMail, PushLogger } from '../shared/push/types.js';
import type { RegistrationStore } from '../shared/registrations/types.js';
import type { UserMapping } from '../shared/users/user-mapping.js';
import type { PushQueue } from './push-queue.js';
import type { RegistrationRetry } from './registration-retry.js';
import type { TopicFile } from './topic-file.js';

/** Public facts of the loaded APNs credential. */
export interface CredentialInfo {
  kind: StoredCredentialKind;
  topic: string;
  /** Null for a token key, which does not expire. */
  notAfter: Date | null;
  environment: string;
}

/** Everything the HTTP handlers work with; built once by the local mode or a test. */
export interface ShimContext {
  store: RegistrationStore;
  logger: PushLogger;
  users: UserMapping;
  topicFile: TopicFile;
  /** Undefined when no credential is configured. */
  credential: CredentialInfo | undefined;
  /** Pushes one message to a user's devices; undefined without a credential. */
  push: ((mail: NewMail) => Promise<unknown>) | undefined;
  queue: PushQueue;
  /** Dovecot events that trigger a push. */
  notifyEvents: ReadonlySet<string>;
  /** When set, every request must carry it. */
  sharedSecret: string | undefined;
  /** Retries registrations that found the store's write lock held; without it they are lost. */
  registrationRetry?: RegistrationRetry;
  /** APNs session facts for /health; `healthy` false makes /health respond 503. */
  apnsStatus?: () => { healthy: boolean; [key: string]: unknown };
}

/** The settings that configure a credential, for error messages. */
export const CREDENTIAL_SETTINGS_HINT =
  'set XAPS_APNS_CERT and XAPS_APNS_KEY (PEM files), XAPS_APNS_P12 (PKCS#12 file) or ' +
  'XAPS_APNS_TOKEN_KEY (.p8 file, with XAPS_APNS_KEY_ID, XAPS_APNS_TEAM_ID and ' +
  'XAPS_APNS_TOPIC), or copy one into the data directory with xaps credential import';

/** Response text of /register and /notify when no credential is configured. */
export const NO_CREDENTIAL_MESSAGE =
  `no APNs credential is configured: ${CREDENTIAL_SETTINGS_HINT} ` +
  'and restart xaps serve';
