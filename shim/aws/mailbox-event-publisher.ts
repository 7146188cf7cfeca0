import { randomUUID } from 'node:crypto';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ShimMailboxEvent } from '../../shared/mail-events/types.js';
import type { PushLogger } from '../../shared/push/types.js';
import type { AwsStatus } from './aws-status.js';
import { describeAwsError } from './deadline.js';

/** Builds the SNS message of one /notify: a fresh eventId, so the push function can de-duplicate redeliveries. */
export function buildMailboxEvent(
  notify: { user: string; mailbox: string; events: string[] },
  receivedAt = new Date(),
): ShimMailboxEvent {
  return {
    type: 'xaps.mailbox-event',
    formatVersion: 1,
    eventId: randomUUID(),
    user: notify.user,
    mailbox: notify.mailbox,
    events: [...notify.events],
    receivedAt: receivedAt.toISOString(),
  };
}

export interface MailboxEventPublisherOptions {
  sns: SNSClient;
  topicArn: string;
  logger: PushLogger;
  status: AwsStatus;
  timeoutMs: number;
}

/**
 * Publishes mailbox events to the new-mail topic. A publish that fails is logged and
 * not retried later: the push only makes iOS Mail fetch now, and the device
 * fetches by itself on its own schedule and when the user opens Mail.
 */
export class MailboxEventPublisher {
  constructor(private readonly options: MailboxEventPublisherOptions) {}

  /** Publishes one event within the deadline; never throws. */
  async publish(event: ShimMailboxEvent): Promise<boolean> {
    const { logger, status, timeoutMs } = this.options;
    const ids = { user: event.user, mailbox: event.mailbox, eventId: event.eventId };
    try {
      const output = await this.options.sns.send(
        new PublishCommand({
          TopicArn: this.options.topicArn,
          Message: JSON.stringify(event),
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      status.succeeded();
      logger.debug('mailbox event published', { ...ids, messageId: output.MessageId });
      return true;
    } catch (error) {
      status.failed('publish mailbox event', error);
      logger.error('publishing the mailbox event failed; this message gets no push', {
        ...ids,
        ...describeAwsError(error),
      });
      return false;
    }
  }
}
