import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { AwsShimSettings } from './aws-config.js';

/** The AWS SDK clients of the AWS mode; the caller destroys them at stop. */
export interface AwsClients {
  dynamodb: DynamoDBClient;
  sns: SNSClient;
}

/**
 * Tries per SDK call: one retry covers a reset keep-alive connection or a throttled
 * request without pushing a call much past its deadline.
 */
export const AWS_MAX_ATTEMPTS = 2;

/**
 * Creates the DynamoDB and SNS clients with every HTTP request bounded by the AWS
 * deadline: connecting, waiting for the response headers, and each idle gap after.
 * `endpoint` overrides the SDK's own choice (AWS_ENDPOINT_URL, else the region's).
 */
export function createAwsClients(
  settings: Pick<AwsShimSettings, 'region' | 'timeoutMs'>,
  endpoint?: string,
): AwsClients {
  const common = {
    region: settings.region,
    maxAttempts: AWS_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: settings.timeoutMs,
      requestTimeout: settings.timeoutMs,
      socketTimeout: settings.timeoutMs,
      // Without it the SDK only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    },
    ...(endpoint === undefined ? {} : { endpoint }),
  };
  return { dynamodb: new DynamoDBClient(common), sns: new SNSClient(common) };
}

/** Closes the clients' kept-alive connections. */
export function destroyAwsClients(clients: AwsClients): void {
  clients.dynamodb.destroy();
  clients.sns.destroy();
}
