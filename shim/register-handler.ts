import type { IncomingMessage, ServerResponse } from 'node:http';
import { XapsCommandError } from '../shared/imap/errors.js';
import type { XapsRegistration } from '../shared/imap/types.js';
import { validateRegistrationFields } from '../shared/imap/validate.js';
import { tokenPrefix } from '../shared/log/logger.js';
import { StoreBusyError } from '../shared/registrations/sqlite-store.js';
import type { RegistrationInput } from '../shared/registrations/types.js';
import { NO_CREDENTIAL_MESSAGE, type ShimContext } from './context.js';
import { RequestError, readJsonObject, requireString, sendText } from './http-io.js';

/**
 * Handles POST /register from the Dovecot xaps plugin: stores the registration
 * and responds 200 with the bare topic, which the plugin copies into the IMAP reply.
 */
export async function handleRegister(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ShimContext,
): Promise<void> {
  const body = await readJsonObject(req);
  const registration = validate(body);
  const user = mapUser(ctx, requireString(body, 'Username'));

  const topic = ctx.credential?.topic ?? ctx.topicFile.get();
  if (topic === undefined) {
    ctx.logger.warn('registration rejected: no APNs credential', { user });
    sendText(res, 503, NO_CREDENTIAL_MESSAGE);
    return;
  }

  const input = { ...registration, user, topic };
  await storeRegistration(ctx, input);
  sendText(res, 200, topic);
}

/**
 * Stores a registration without failing the request: the response carries the topic
 * either way, which keeps the IMAP session intact. A write that finds another
 * process holding the lock goes to the retry queue, as do all writes while that
 * queue is not empty, so the event loop is blocked for one short lock wait at most.
 */
async function storeRegistration(
  ctx: ShimContext,
  input: RegistrationInput,
): Promise<void> {
  const ids = { user: input.user, tokenPrefix: tokenPrefix(input.deviceToken) };
  const retry = ctx.registrationRetry;
  const now = Date.now();
  if (retry !== undefined && retry.size > 0) {
    retry.add(input, now);
    ctx.logger.info('registration queued behind a held write lock', ids);
    return;
  }
  try {
    const result = await ctx.store.upsert(input, now);
    ctx.logger.info('device registered', {
      ...ids,
      mailboxes: input.mailboxes.length,
      evicted: result.evicted.length,
    });
  } catch (error) {
    if (retry !== undefined && error instanceof StoreBusyError) {
      retry.add(input, now);
      ctx.logger.warn('registration will be retried: write lock held', {
        ...ids,
        reason: error.message,
      });
      return;
    }
    // The device registers again within a day.
    ctx.logger.error('storing registration failed', { ...ids, error });
  }
}

/** Validates a /register body; invalid fields are a 400 naming the field. */
export function validate(body: Record<string, unknown>): XapsRegistration {
  // The plugin sends no version; it rejects aps-version 1 without mailboxes itself.
  const apsVersion = body.ApsVersion ?? (body.Mailboxes === undefined ? 1 : 2);
  try {
    return validateRegistrationFields({
      apsVersion,
      accountId: body.ApsAccountId,
      deviceToken: body.ApsDeviceToken,
      subtopic: body.ApsSubtopic,
      mailboxes: body.Mailboxes,
    });
  } catch (error) {
    if (error instanceof XapsCommandError) {
      throw new RequestError(400, error.message);
    }
    throw error;
  }
}

/** Maps a plugin username to the stored one; a name the mapping rejects is a 400. */
export function mapUser(ctx: ShimContext, username: string): string {
  try {
    return ctx.users.map(username);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RequestError(400, reason);
  }
}
