import {
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { readStoredCredential } from '../secret-store.js';
import { parseStoredCredential } from '../stored-credential-parse.js';
import { checkCandidate } from './check-candidate.js';
import type { RotationDeps, RotationEvent } from './rotation-types.js';
import {
  AWSCURRENT,
  AWSPENDING,
  describeVersions,
  hasLabel,
  readVersion,
  type SecretVersions,
  UPLOADED_LABEL,
} from './secret-versions.js';
import { renewStoredXServer } from './xserver-renewal.js';

/** Outcome of createSecret. */
export type CreateOutcome =
  | 'created-from-upload'
  | 'renewed-xserver'
  | 'already-created'
  | 'already-current'
  | 'nothing-to-rotate';

/** The new version's value and where it came from. */
interface Candidate {
  secretString: string;
  source: 'created-from-upload' | 'renewed-xserver';
  from: string;
}

/**
 * Builds the AWSPENDING version for the event's token: a copy of the version uploaded
 * under XAPS_UPLOADED, else for an XServer certificate a renewal at the certificate
 * service. Repeats do nothing once the version has a value. With nothing to rotate it
 * logs and creates no version; finishSecret then leaves the secret clean.
 */
export async function createSecret(
  event: RotationEvent,
  deps: RotationDeps,
): Promise<CreateOutcome> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const ids = { secretId, token };
  const versions = await describeVersions(deps.secrets, secretId);
  if (hasLabel(versions, token, AWSCURRENT)) {
    deps.logger.info('createSecret: the version is already AWSCURRENT', ids);
    return 'already-current';
  }

  const existing = await readVersion(deps.secrets, secretId, token);
  if (existing !== undefined) {
    if (!hasLabel(versions, token, AWSPENDING)) {
      throw new Error(
        `version ${token} of secret '${secretId}' has a value but no AWSPENDING label: ` +
          'this rotation was cleared as left over; the next check starts a new one',
      );
    }
    deps.logger.info('createSecret: the AWSPENDING version exists already', ids);
    return 'already-created';
  }

  const candidate = await nextCandidate(secretId, versions, deps);
  if (candidate === undefined) return 'nothing-to-rotate';

  await deps.secrets.send(
    new PutSecretValueCommand({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: candidate.secretString,
      VersionStages: [AWSPENDING],
    }),
  );
  deps.logger.info('createSecret: AWSPENDING version created', {
    ...ids,
    source: candidate.source,
    from: candidate.from,
  });
  return candidate.source;
}

async function nextCandidate(
  secretId: string,
  versions: SecretVersions,
  deps: RotationDeps,
): Promise<Candidate | undefined> {
  const now = deps.now?.() ?? new Date();
  const { uploaded, current } = versions;
  if (uploaded !== undefined && uploaded !== current) {
    return copyOfUpload(secretId, uploaded, deps, now);
  }
  if (current === undefined) {
    deps.logger.info('createSecret: nothing to rotate, the secret has no AWSCURRENT', {
      secretId,
    });
    return undefined;
  }

  const { credential } = await readStoredCredential(deps.secrets, secretId, current);
  if (credential.kind !== 'xserver-certificate') {
    deps.logger.info('createSecret: nothing to rotate', {
      secretId,
      kind: credential.kind,
      detail: `no version is waiting under ${UPLOADED_LABEL}, and only an XServer certificate renews itself`,
    });
    return undefined;
  }

  const renewed = await renewStoredXServer(credential, deps.renewal, {
    origin: `secret '${secretId}' version ${current}`,
    now,
    logger: deps.logger,
  });
  return {
    secretString: JSON.stringify(renewed),
    source: 'renewed-xserver',
    from: current,
  };
}

/** Returns the uploaded version's exact text, after checking it can push. */
async function copyOfUpload(
  secretId: string,
  uploaded: string,
  deps: RotationDeps,
  now: Date,
): Promise<Candidate> {
  const origin = `secret '${secretId}' version ${uploaded} (${UPLOADED_LABEL})`;
  const response = await deps.secrets.send(
    new GetSecretValueCommand({ SecretId: secretId, VersionId: uploaded }),
  );
  const text = response.SecretString;
  if (text === undefined) {
    throw new Error(
      `${origin} has no SecretString: upload the credential again with xaps credential import`,
    );
  }
  checkCandidate(parseStoredCredential(text, origin), origin, now);
  return { secretString: text, source: 'created-from-upload', from: uploaded };
}
