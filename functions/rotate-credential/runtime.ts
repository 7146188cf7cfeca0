import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadLambdaConfig } from '../../shared/config/lambda-config.js';
import { readRenewalSettings } from '../../shared/credentials/rotation/rotation-settings.js';
import type { RotationDeps } from '../../shared/credentials/rotation/rotation-types.js';
import type { Logger } from '../../shared/log/logger.js';
import { containerSlot } from '../container-runtime.js';

/** State the rotation function keeps between invocations of one container. */
export interface RotationRuntime {
  deps: RotationDeps;
  close(): void;
}

const slot = containerSlot(createRotationRuntime);

/**
 * Returns the container's runtime, created on the first invocation from the
 * environment. A configuration error throws and leaves nothing cached.
 */
export function rotationRuntime(logger: Logger): RotationRuntime {
  return slot.get(logger);
}

/** Closes the SDK clients and drops the runtime, for tests. */
export function closeRotationRuntime(): void {
  void slot.close();
}

function createRotationRuntime(logger: Logger): RotationRuntime {
  const config = loadLambdaConfig();
  const renewal = readRenewalSettings(process.env);
  const secrets = new SecretsManagerClient({});
  const dynamodb = new DynamoDBClient({});
  return {
    deps: {
      secrets,
      dynamodb,
      tableName: config.tableName,
      logger,
      renewal,
      probe: {
        endpoint: config.apnsEndpointSet ? config.core.apns.endpoint : undefined,
        ca: config.apnsCa,
        priority: config.core.apns.priority,
      },
    },
    close() {
      secrets.destroy();
      dynamodb.destroy();
    },
  };
}
