import {
  CreateTopicCommand,
  DeleteTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll } from 'vitest';
import { awsClientSettings } from './aws-env.js';
import { uniqueResourceName } from './aws-resources.js';

/*
 * An SNS topic with one SQS queue subscribed, per test file: what is published on
 * the topic can be read back from the queue. Raw message delivery stays off, so each
 * queue message is the SNS envelope (Type, MessageId, TopicArn, Message), the shape
 * a subscribed Lambda function gets in Records[].Sns.
 */

/** The SNS envelope of one delivered message, as SQS stores it. */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Message: string;
}

export interface TestTopicQueue {
  topicArn: string;
  queueUrl: string;
  sns: SNSClient;
  sqs: SQSClient;
  /**
   * Receives (and deletes) messages until `count` have arrived or `timeoutMs` passed;
   * returns what arrived, so a test of "nothing published" can ask for zero.
   */
  receive(count: number, timeoutMs?: number): Promise<SnsEnvelope[]>;
  /** Deletes the topic and the queue and closes the clients. */
  dispose(): Promise<void>;
}

/** Creates a topic and a queue subscribed to it, with unique names. */
export async function createTestTopicQueue(label: string): Promise<TestTopicQueue> {
  const settings = awsClientSettings();
  const sns = new SNSClient(settings);
  const sqs = new SQSClient(settings);
  const name = uniqueResourceName(label);

  const { TopicArn: topicArn = '' } = await sns.send(
    new CreateTopicCommand({ Name: name }),
  );
  const { QueueUrl: queueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: name }),
  );
  const attributes = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = attributes.Attributes?.QueueArn ?? '';
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: { Policy: allowTopicToSend(queueArn, topicArn) },
    }),
  );
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queueArn,
      Attributes: { RawMessageDelivery: 'false' },
    }),
  );

  return {
    topicArn,
    queueUrl,
    sns,
    sqs,
    receive: (count, timeoutMs = 10_000) => receive(sqs, queueUrl, count, timeoutMs),
    async dispose() {
      try {
        await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
        await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
      } finally {
        sns.destroy();
        sqs.destroy();
      }
    },
  };
}

/** Creates the topic and queue in beforeAll and deletes them in afterAll. */
export function useTestTopicQueue(label: string): () => TestTopicQueue {
  let resources: TestTopicQueue | undefined;
  beforeAll(async () => {
    resources = await createTestTopicQueue(label);
  });
  afterAll(async () => {
    await resources?.dispose();
  });
  return () => {
    if (resources === undefined) {
      throw new Error(
        `test topic '${label}' is not ready: read it inside a test or a hook, not while collecting`,
      );
    }
    return resources;
  };
}

// Real SQS drops what SNS delivers unless the queue policy lets the topic send.
function allowTopicToSend(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

async function receive(
  sqs: SQSClient,
  queueUrl: string,
  count: number,
  timeoutMs: number,
): Promise<SnsEnvelope[]> {
  const received: SnsEnvelope[] = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length < count || count === 0) {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      break;
    }
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: Math.max(1, Math.min(5, Math.floor(remainingMs / 1000))),
      }),
    );
    received.push(...Messages.map(parseEnvelope));
    await deleteMessages(sqs, queueUrl, Messages);
  }
  return received;
}

async function deleteMessages(
  sqs: SQSClient,
  queueUrl: string,
  messages: Message[],
): Promise<void> {
  const entries = messages.flatMap((message, index) =>
    message.ReceiptHandle === undefined
      ? []
      : [{ Id: String(index), ReceiptHandle: message.ReceiptHandle }],
  );
  if (entries.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
  }
}

function parseEnvelope(message: Message): SnsEnvelope {
  const body = JSON.parse(message.Body ?? '{}') as Partial<SnsEnvelope>;
  return {
    Type: String(body.Type),
    MessageId: String(body.MessageId),
    TopicArn: String(body.TopicArn),
    Message: String(body.Message),
  };
}
