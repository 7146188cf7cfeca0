import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { StoredCredential } from '../stored-credential.js';
import { parseStoredCredential } from '../stored-credential-parse.js';

/** Staging labels Secrets Manager gives meaning to during rotation. */
export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';
/**
 * The custom label an operator's new credential is uploaded under. createSecret copies
 * that version to AWSPENDING, because RotateSecret fails to start while AWSPENDING is
 * on a version other than AWSCURRENT.
 */
export const UPLOADED_LABEL = 'XAPS_UPLOADED';

/** The versions of a secret by the labels this project uses. */
export interface SecretVersions {
  /** Every version id with its staging labels. */
  stages: Record<string, string[]>;
  current: string | undefined;
  pending: string | undefined;
  uploaded: string | undefined;
  /** True when a rotation function is attached to the secret. */
  rotationEnabled: boolean;
}

/** Reads the version ids and staging labels of a secret (DescribeSecret). */
export async function describeVersions(
  client: SecretsManagerClient,
  secretId: string,
): Promise<SecretVersions> {
  const response = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const stages = response.VersionIdsToStages ?? {};
  const holder = (label: string) =>
    Object.keys(stages).find((id) => stages[id]?.includes(label) === true);
  return {
    stages,
    current: holder(AWSCURRENT),
    pending: holder(AWSPENDING),
    uploaded: holder(UPLOADED_LABEL),
    rotationEnabled: response.RotationEnabled === true,
  };
}

/** Reports whether `versionId` carries `label`. */
export function hasLabel(
  versions: SecretVersions,
  versionId: string,
  label: string,
): boolean {
  return versions.stages[versionId]?.includes(label) === true;
}

/**
 * Reads and checks the credential of one version. Returns undefined when the version
 * does not exist or has no value yet, as RotateSecret creates AWSPENDING on an empty one.
 */
export async function readVersion(
  client: SecretsManagerClient,
  secretId: string,
  versionId: string,
): Promise<StoredCredential | undefined> {
  let text: string | undefined;
  try {
    const response = await client.send(
      new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }),
    );
    text = response.SecretString;
  } catch (error) {
    // Secrets Manager raises the same error for a missing version and an empty one.
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
  if (text === undefined) return undefined;
  return parseStoredCredential(text, `secret '${secretId}' version ${versionId}`);
}

/** Removes `label` from `versionId`, leaving the version itself in place. */
export async function removeLabel(
  client: SecretsManagerClient,
  secretId: string,
  label: string,
  versionId: string,
): Promise<void> {
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: label,
      RemoveFromVersionId: versionId,
    }),
  );
}

/**
 * Moves AWSCURRENT from `from` to `to`. Secrets Manager then labels `from` AWSPREVIOUS
 * on its own.
 */
export async function moveCurrent(
  client: SecretsManagerClient,
  secretId: string,
  from: string,
  to: string,
): Promise<void> {
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: AWSCURRENT,
      RemoveFromVersionId: from,
      MoveToVersionId: to,
    }),
  );
}
