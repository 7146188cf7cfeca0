import {
  RequestError,
  readJsonObject,
  requireString,
  sendEmpty,
  sendJson,
  sendText,
} from '../http-io.js';
import { mapUser, validate as validateRegisterBody } from '../register-handler.js';
import type { Route, RouteOverrides } from '../server.js';
import type { AwsStatus } from './aws-status.js';
import type { CredentialTopic } from './credential-topic.js';
import type { KnownUsers } from './known-users.js';
import {
  buildMailboxEvent,
  type MailboxEventPublisher,
} from './mailbox-event-publisher.js';
import type { RegistrationSpool } from './registration-spool.js';
import type { RegistrationWriter } from './registration-writer.js';
import type { SpoolFlusher } from './spool-flusher.js';

/** The parts of the AWS mode the HTTP handlers use. */
export interface AwsShimParts {
  topic: CredentialTopic;
  users: KnownUsers;
  writer: RegistrationWriter;
  publisher: MailboxEventPublisher;
  spool: RegistrationSpool;
  flusher: SpoolFlusher;
  status: AwsStatus;
}

/** Response text of /register when no topic was ever read or cached. */
export const NO_TOPIC_MESSAGE =
  'no APNs topic is known yet: the credential config item could not be read from ' +
  'XAPS_TABLE_NAME and none is cached in XAPS_DATA_DIR; import a credential with ' +
  '`xaps credential import` and check that this host reaches DynamoDB';

/** Returns the AWS mode's handlers of /register, /notify and /health. */
export function awsRoutes(aws: AwsShimParts): RouteOverrides {
  return {
    '/register': registerRoute(aws),
    '/notify': notifyRoute(aws),
    '/health': healthRoute(aws),
  };
}

/**
 * POST /register: responds 200 with the topic whenever one is known, whether the
 * registration reached DynamoDB within the deadline or went to the spool.
 */
function registerRoute(aws: AwsShimParts): Route {
  return async (req, res, ctx) => {
    const body = await readJsonObject(req);
    const registration = validateRegisterBody(body);
    const user = mapUser(ctx, requireString(body, 'Username'));

    const topic = await aws.topic.currentOrRead();
    if (topic === undefined) {
      ctx.logger.warn('registration rejected: no APNs topic known', { user });
      sendText(res, 503, NO_TOPIC_MESSAGE);
      return;
    }

    const outcome = await aws.writer.write({ ...registration, user, topic });
    if (outcome !== 'dropped') {
      aws.users.add(user);
    }
    sendText(res, 200, topic);
  };
}

/**
 * POST /notify: publishes a mailbox event for a user with registrations and responds
 * once it is queued; 404 with no AWS call for any other user. Which mailboxes each
 * device asked for is checked by the push function.
 */
function notifyRoute(aws: AwsShimParts): Route {
  return async (req, res, ctx) => {
    const body = await readJsonObject(req);
    const username = requireString(body, 'Username');
    const mailbox = requireString(body, 'Mailbox');
    const events = body.Events;
    if (!Array.isArray(events) || !events.every((event) => typeof event === 'string')) {
      throw new RequestError(400, 'Events is missing or not a list of event names');
    }
    if (!events.some((event) => ctx.notifyEvents.has(event))) {
      sendEmpty(res, 204);
      return;
    }

    const user = mapUser(ctx, username);
    if (!aws.users.has(user)) {
      ctx.logger.debug('notify ignored: no devices', { user });
      sendText(res, 404, `user '${user}' has no registered devices`);
      return;
    }

    const event = buildMailboxEvent({ user, mailbox, events });
    if (!ctx.queue.enqueue({ user, run: () => aws.publisher.publish(event) })) {
      sendText(
        res,
        503,
        'publish queue is full: raise XAPS_PUSH_QUEUE_SIZE or check that this host reaches SNS',
      );
      return;
    }
    sendEmpty(res, 200);
  };
}

/** GET /health: 200 when a topic is known and the last AWS call succeeded. */
function healthRoute(aws: AwsShimParts): Route {
  return async (_req, res, ctx) => {
    const topic = aws.topic.report();
    const awsStatus = aws.status.report();
    const healthy = topic.topic !== null && awsStatus.state !== 'failing';
    sendJson(res, healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'error',
      mode: 'aws',
      topic,
      aws: awsStatus,
      spool: { pending: aws.spool.size },
      users: aws.users.report(),
      publishQueue: { size: ctx.queue.size },
    });
  };
}
