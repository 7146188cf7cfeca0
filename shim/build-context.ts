import type { PushSender } from '../shared/apns/types.js';
import { BadDeviceTokenGuard } from '../shared/push/bad-token-guard.js';
import { pushNewMail } from '../shared/push/push-new-mail.js';
import type { PushLogger } from '../shared/push/types.js';
import type { RegistrationStore } from '../shared/registrations/types.js';
import type { UserMapping } from '../shared/users/user-mapping.js';
import type { CredentialInfo, ShimContext } from './context.js';
import { PushQueue } from './push-queue.js';
import { TopicFile } from './topic-file.js';

export interface ShimContextOptions {
  store: RegistrationStore;
  logger: PushLogger;
  users: UserMapping;
  /** Directory where the served topic is persisted. */
  dataDir: string;
  /** The loaded credential and a sender using it; both or neither. */
  credential?: CredentialInfo;
  sender?: PushSender;
  notifyEvents: readonly string[];
  sharedSecret?: string | undefined;
  pushQueueSize: number;
  /** Delays before each retry of a retryable APNs response, in ms. */
  retryDelaysMs?: readonly number[];
  apnsStatus?: ShimContext['apnsStatus'];
}

/**
 * Builds the handlers' context: persists the credential's topic, and wires
 * /notify to pushNewMail through a bounded queue when a credential is loaded.
 */
export function buildShimContext(options: ShimContextOptions): ShimContext {
  const { store, logger, credential, sender } = options;
  const topicFile = new TopicFile(options.dataDir);
  if (credential !== undefined) {
    topicFile.set(credential.topic);
  }

  const guard = new BadDeviceTokenGuard();
  const push =
    credential === undefined || sender === undefined
      ? undefined
      : (mail: { user: string; mailbox: string }) =>
          pushNewMail(mail, {
            store,
            sender,
            currentTopic: credential.topic,
            logger,
            guard,
            ...(options.retryDelaysMs === undefined
              ? {}
              : { retryDelaysMs: options.retryDelaysMs }),
          });

  const context: ShimContext = {
    store,
    logger,
    users: options.users,
    topicFile,
    credential,
    push,
    queue: new PushQueue({ logger, maxPending: options.pushQueueSize }),
    notifyEvents: new Set(options.notifyEvents),
    sharedSecret: options.sharedSecret,
  };
  if (options.apnsStatus !== undefined) {
    context.apnsStatus = options.apnsStatus;
  }
  return context;
}
