import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { credentialConfigItem, credentialConfigOf } from '../credential-config-item.js';
import { readStoredCredential } from '../secret-store.js';
import type { CredentialConfig } from '../stored-credential.js';
import type { RotationDeps } from './rotation-types.js';
import { describeVersions } from './secret-versions.js';

/**
 * Rewrites the credential config item (topic, kind, environment, expiry, version id)
 * from the AWSCURRENT version. The item is replaced whole, so the credential block is
 * cleared. Returns undefined without writing when the secret has no AWSCURRENT.
 */
export async function writeConfigFromCurrent(
  deps: Pick<RotationDeps, 'secrets' | 'dynamodb' | 'tableName' | 'logger' | 'now'>,
  secretId: string,
): Promise<CredentialConfig | undefined> {
  const { current } = await describeVersions(deps.secrets, secretId);
  if (current === undefined) {
    deps.logger.warn('the secret has no AWSCURRENT version: config item left as it is', {
      secretId,
    });
    return undefined;
  }

  const { credential, versionId } = await readStoredCredential(
    deps.secrets,
    secretId,
    current,
  );
  const config = credentialConfigOf(credential, versionId, deps.now?.() ?? new Date());
  await DynamoDBDocumentClient.from(deps.dynamodb).send(
    new PutCommand({ TableName: deps.tableName, Item: credentialConfigItem(config) }),
  );
  deps.logger.info('credential config item written from AWSCURRENT', {
    secretId,
    topic: config.topic,
    kind: config.kind,
    environment: config.environment,
    notAfter: config.notAfter,
    secretVersionId: versionId,
  });
  return config;
}
