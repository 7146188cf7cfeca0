import type { IncomingMessage, ServerResponse } from 'node:http';
import { XapsCommandError } from '../shared/imap/errors.js';
import type { XapsRegistration } from '../shared/imap/types.js';
import { validateRegistrationFields } from '../shared/imap/validate.js';
import { tokenPrefix } from '../shared/log/logger.js';
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

  const ids = { user, tokenPrefix: tokenPrefix(registration.deviceToken) };
  try {
    const result = await ctx.store.upsert({ ...registration, user, topic });
    ctx.logger.info('device registered', {
      ...ids,
      mailboxes: registration.mailboxes.length,
      evicted: result.evicted.length,
    });
  } catch (error) {
    // Sending the topic anyway keeps the IMAP session intact. The device registers again within a day.
    ctx.logger.error('storing registration failed', { ...ids, error });
  }
  sendText(res, 200, topic);
}

function validate(body: Record<string, unknown>): XapsRegistration {
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
