import {
  GetSecretValueCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type { CredentialConfig } from '../stored-credential.js';
import { writeConfigFromCurrent } from './current-config.js';
import type { RotationDeps, RotationEvent } from './rotation-types.js';
import {
  AWSCURRENT,
  AWSPENDING,
  describeVersions,
  hasLabel,
  moveCurrent,
  readVersion,
  removeLabel,
  UPLOADED_LABEL,
} from './secret-versions.js';

/** Outcome of finishSecret. The config item is rewritten in every case. */
export interface FinishOutcome {
  labels: 'promoted' | 'already-current' | 'nothing-to-finish';
  /** The config item as written, or undefined when the secret has no AWSCURRENT. */
  config: CredentialConfig | undefined;
}

/**
 * Moves AWSCURRENT to the token's version (the old one becomes AWSPREVIOUS), removes
 * AWSPENDING from it and XAPS_UPLOADED from the upload it was copied from, then
 * rewrites the config item from AWSCURRENT, which also clears the credential block.
 * A token whose version has no value only loses its AWSPENDING label, so a rotation
 * that created nothing leaves no rotation in progress behind. Safe to repeat.
 */
export async function finishSecret(
  event: RotationEvent,
  deps: RotationDeps,
): Promise<FinishOutcome> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const ids = { secretId, token };
  const versions = await describeVersions(deps.secrets, secretId);
  let labels: FinishOutcome['labels'] = 'already-current';

  if (!hasLabel(versions, token, AWSCURRENT)) {
    const pending = await readVersion(deps.secrets, secretId, token);
    if (pending === undefined) {
      labels = 'nothing-to-finish';
      deps.logger.info('finishSecret: no new version was created, AWSCURRENT stays', ids);
    } else {
      await promote(deps.secrets, secretId, versions.current, token);
      labels = 'promoted';
      deps.logger.info('finishSecret: AWSCURRENT moved to the new version', {
        ...ids,
        previous: versions.current,
        topic: pending.topic,
      });
    }
  }

  if (hasLabel(versions, token, AWSPENDING)) {
    await removeLabel(deps.secrets, secretId, AWSPENDING, token);
  }
  if (labels !== 'nothing-to-finish') {
    await releaseUpload(deps, secretId, token, versions.uploaded);
  }

  const config = await writeConfigFromCurrent(deps, secretId);
  return { labels, config };
}

async function promote(
  client: SecretsManagerClient,
  secretId: string,
  current: string | undefined,
  token: string,
): Promise<void> {
  if (current !== undefined) {
    await moveCurrent(client, secretId, current, token);
    return;
  }
  await client.send(
    new UpdateSecretVersionStageCommand({
      SecretId: secretId,
      VersionStage: AWSCURRENT,
      MoveToVersionId: token,
    }),
  );
}

/**
 * Removes XAPS_UPLOADED from the upload when it contains the same value as the new
 * AWSCURRENT. A different upload arrived during the rotation, so it stays for the next.
 */
async function releaseUpload(
  deps: RotationDeps,
  secretId: string,
  token: string,
  uploaded: string | undefined,
): Promise<void> {
  if (uploaded === undefined) return;
  if (uploaded !== token) {
    const [upload, promoted] = await Promise.all(
      [uploaded, token].map((versionId) =>
        deps.secrets.send(
          new GetSecretValueCommand({ SecretId: secretId, VersionId: versionId }),
        ),
      ),
    );
    if (upload?.SecretString !== promoted?.SecretString) {
      deps.logger.info(`finishSecret: a newer upload waits under ${UPLOADED_LABEL}`, {
        secretId,
        uploaded,
      });
      return;
    }
  }
  await removeLabel(deps.secrets, secretId, UPLOADED_LABEL, uploaded);
}
