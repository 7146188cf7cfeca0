import {
  type CredentialTarget,
  currentVersionOf,
  uploadCredential,
  type WrittenCredential,
  writeCredential,
} from '../../shared/credentials/credential-writer.js';
import {
  type RotateSecretCall,
  type RotationStart,
  startRotation,
} from '../../shared/credentials/rotation/start-rotation.js';
import type { StoredCredential } from '../../shared/credentials/stored-credential.js';
import { CliError, type CliIo, createCliLogger } from '../io.js';

/** Result of an AWS import: a first version made current, or an upload for rotation. */
export type AwsImport =
  | { mode: 'current'; written: WrittenCredential }
  | {
      mode: 'uploaded';
      versionId: string;
      currentVersionId: string;
      rotation: RotationStart;
    };

/**
 * Stores the credential in the deployment. Into a secret without a value it goes as
 * AWSCURRENT with the config item. Otherwise it is uploaded under XAPS_UPLOADED and a
 * rotation starts, whose testSecret step proves it against APNs before finishSecret
 * makes it AWSCURRENT, rewrites the config item and clears any credential block.
 */
export async function importToAws(
  target: CredentialTarget,
  credential: StoredCredential,
  options: { now: Date; rotate?: RotateSecretCall | undefined },
): Promise<AwsImport> {
  const currentVersionId = await currentVersionOf(target);
  if (currentVersionId === undefined) {
    return {
      mode: 'current',
      written: await writeCredential(target, credential, options.now),
    };
  }

  const versionId = await uploadCredential(target, credential);
  let rotation: RotationStart;
  try {
    rotation = await startRotation({
      secrets: target.secrets,
      secretId: target.secretId,
      logger: createCliLogger(),
      now: () => options.now,
      ...(options.rotate === undefined ? {} : { rotate: options.rotate }),
    });
  } catch (error) {
    const reason =
      error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new CliError(
      `the credential is uploaded to secret '${target.secretId}' as version ${versionId} ` +
        `(XAPS_UPLOADED), but the rotation could not be started (${reason}): deploy the ` +
        'stack with its rotation function and use an identity allowed ' +
        'secretsmanager:RotateSecret and lambda:InvokeFunction on it; the daily check ' +
        'starts the rotation otherwise',
      { cause: error },
    );
  }
  return { mode: 'uploaded', versionId, currentVersionId, rotation };
}

/** Prints the result of an AWS import, as text or with --json. */
export function printAwsImport(
  io: CliIo,
  result: AwsImport,
  place: { secretId: string; tableName: string },
  json: boolean,
): void {
  if (json) {
    const body =
      result.mode === 'current'
        ? { mode: result.mode, ...result.written, ...place }
        : { ...result, ...place };
    io.out(`${JSON.stringify(body, null, 2)}\n`);
    return;
  }
  if (result.mode === 'current') {
    const { config, versionId } = result.written;
    io.out(
      `stored the ${describeKind(config.kind)} for topic ${config.topic} ` +
        `(${config.environment}, expires ${config.notAfter ?? 'never'})\n` +
        `  secret  ${place.secretId}, version ${versionId} (AWSCURRENT)\n` +
        `  table   ${place.tableName}, credential config item\n`,
    );
    return;
  }

  const rotation = result.rotation;
  io.out(
    `uploaded version ${result.versionId} to secret ${place.secretId} (XAPS_UPLOADED); ` +
      `AWSCURRENT stays on ${result.currentVersionId} until the rotation promotes it\n` +
      (rotation.started
        ? `  rotation ${rotation.token} started: the rotation function tests the ` +
          'credential against APNs, then makes it AWSCURRENT; follow it with xaps ' +
          'credential status\n'
        : `  rotation not started: ${rotation.reason}; the daily check starts it\n`),
  );
}

function describeKind(kind: StoredCredential['kind']): string {
  if (kind === 'xserver-certificate') return 'XServer certificate';
  if (kind === 'token-key') return 'token key';
  return 'developer certificate';
}
