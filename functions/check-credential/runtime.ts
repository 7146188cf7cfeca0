import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { loadLambdaConfig } from '../../shared/config/lambda-config.js';
import type { CheckDeps } from '../../shared/credentials/rotation/check.js';
import { readRenewalSettings } from '../../shared/credentials/rotation/rotation-settings.js';
import type { Logger } from '../../shared/log/logger.js';
import { containerSlot } from '../container-runtime.js';

/** State the check function keeps between invocations of one container. */
export interface CheckRuntime {
  deps: CheckDeps;
  close(): void;
}

const slot = containerSlot(createCheckRuntime);

/**
 * Returns the container's runtime, created on the first invocation from the
 * environment. A configuration error throws and leaves nothing cached.
 */
export function checkRuntime(logger: Logger): CheckRuntime {
  return slot.get(logger);
}

/** Closes the SDK clients and drops the runtime, for tests. */
export function closeCheckRuntime(): void {
  void slot.close();
}

function createCheckRuntime(logger: Logger): CheckRuntime {
  const config = loadLambdaConfig();
  const secrets = new SecretsManagerClient({});
  const dynamodb = new DynamoDBClient({});
  return {
    deps: {
      secrets,
      dynamodb,
      tableName: config.tableName,
      secretId: config.credentialSecretId,
      logger,
      renewalConfigured: readRenewalSettings(process.env) !== undefined,
    },
    close() {
      secrets.destroy();
      dynamodb.destroy();
    },
  };
}
