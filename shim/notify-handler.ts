import type { IncomingMessage, ServerResponse } from 'node:http';
import { wantsMailbox } from '../shared/push/mailbox-match.js';
import { NO_CREDENTIAL_MESSAGE, type ShimContext } from './context.js';
import {
  RequestError,
  readJsonObject,
  requireString,
  sendEmpty,
  sendText,
} from './http-io.js';
import { mapUser } from './register-handler.js';

/**
 * Handles POST /notify from the Dovecot xaps plugin, sent once per message for
 * every user. Responds before the push reaches APNs, because LDA and LMTP wait
 * for this response: 200 queued, 204 nothing to push, 404 no devices (the plugin
 * logs a 404 at debug level only).
 */
export async function handleNotify(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ShimContext,
): Promise<void> {
  const body = await readJsonObject(req);
  const username = requireString(body, 'Username');
  const mailbox = requireString(body, 'Mailbox');
  const events = readEvents(body);

  if (!events.some((event) => ctx.notifyEvents.has(event))) {
    sendEmpty(res, 204);
    return;
  }

  const user = mapUser(ctx, username);
  const registrations = await ctx.store.listByUser(user);
  if (registrations.length === 0) {
    ctx.logger.debug('notify ignored: no devices', { user });
    sendText(res, 404, `user '${user}' has no registered devices`);
    return;
  }
  if (!registrations.some((registration) => wantsMailbox(registration, mailbox))) {
    ctx.logger.debug('notify ignored: mailbox not registered', { user });
    sendEmpty(res, 204);
    return;
  }

  const push = ctx.push;
  if (push === undefined) {
    ctx.logger.error('push dropped', { user, reason: 'no-credential' });
    sendText(res, 503, NO_CREDENTIAL_MESSAGE);
    return;
  }
  if (!ctx.queue.enqueue({ user, run: () => push({ user, mailbox }) })) {
    sendText(
      res,
      503,
      'push queue is full: raise XAPS_PUSH_QUEUE_SIZE or check APNs reachability',
    );
    return;
  }
  sendEmpty(res, 200);
}

function readEvents(body: Record<string, unknown>): string[] {
  const events = body.Events;
  if (!Array.isArray(events) || !events.every((event) => typeof event === 'string')) {
    throw new RequestError(400, 'Events is missing or not a list of event names');
  }
  return events;
}
