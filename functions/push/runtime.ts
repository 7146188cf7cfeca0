import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type LambdaConfig,
  loadLambdaConfig,
} from '../../shared/config/lambda-config.js';
import { ActiveCredentialCache } from '../../shared/credentials/active-credential.js';
import type { Logger } from '../../shared/log/logger.js';
import { BadDeviceTokenGuard } from '../../shared/push/bad-token-guard.js';
import { DynamoDbPushClaims } from '../../shared/registrations/dynamodb-claims.js';
import { DynamoDbRegistrationStore } from '../../shared/registrations/dynamodb-store.js';
import { createUserMapping, type UserMapping } from '../../shared/users/user-mapping.js';
import { containerSlot } from '../container-runtime.js';

/** State the push function keeps between invocations of one container. */
export interface PushRuntime {
  config: LambdaConfig;
  users: UserMapping;
  store: DynamoDbRegistrationStore;
  claims: DynamoDbPushClaims;
  credentials: ActiveCredentialCache;
  /** The DynamoDB client of the store, for the credential block on the config item. */
  dynamo: DynamoDBClient;
  /** Shared by every push of the container, so BadDeviceToken bursts are seen across invocations. */
  guard: BadDeviceTokenGuard;
  close(): Promise<void>;
}

const slot = containerSlot((logger) => createPushRuntime(loadLambdaConfig(), logger));

/**
 * Returns the container's runtime, created on the first invocation: settings from the
 * environment, SDK clients (endpoint and region resolved by the SDK, so
 * AWS_ENDPOINT_URL reaches an emulator), the store, the claims and the credential cache.
 * A configuration error throws and leaves nothing cached, so the next invocation tries again.
 */
export function pushRuntime(logger: Logger): PushRuntime {
  return slot.get(logger);
}

/** Closes the APNs session and SDK clients and drops the runtime, for tests and shutdown. */
export async function closePushRuntime(): Promise<void> {
  await slot.close();
}

function createPushRuntime(config: LambdaConfig, logger: Logger): PushRuntime {
  const dynamo = new DynamoDBClient({});
  const secrets = new SecretsManagerClient({});
  const credentials = new ActiveCredentialCache({
    secrets,
    dynamo,
    tableName: config.tableName,
    secretId: config.credentialSecretId,
    endpoint: config.apnsEndpointSet ? config.core.apns.endpoint : undefined,
    priority: config.core.apns.priority,
    ca: config.apnsCa,
    logger,
  });

  return {
    config,
    users: createUserMapping(config.core.users),
    store: new DynamoDbRegistrationStore({
      client: dynamo,
      tableName: config.tableName,
      maxDevicesPerUser: config.core.maxDevicesPerUser,
    }),
    claims: new DynamoDbPushClaims({ client: dynamo, tableName: config.tableName }),
    credentials,
    dynamo,
    guard: new BadDeviceTokenGuard(),
    async close() {
      await credentials.close();
      dynamo.destroy();
      secrets.destroy();
    },
  };
}
