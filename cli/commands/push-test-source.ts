import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ApnsClient } from '../../shared/apns/client.js';
import type { ApnsCredential } from '../../shared/apns/types.js';
import { readApnsCaFile } from '../../shared/config/apns-ca.js';
import { ConfigError, type Env, readString } from '../../shared/config/env.js';
import { apnsCredentialFrom } from '../../shared/credentials/active-credential.js';
import {
  readStoredCredential,
  type StoredCredentialVersion,
} from '../../shared/credentials/secret-store.js';
import { CREDENTIAL_SETTINGS_HINT } from '../../shim/context.js';
import {
  createApnsClient,
  loadConfiguredCredential,
} from '../../shim/credential-files.js';
import { importedCredentialFiles } from '../../shim/imported-credential.js';
import { CliError, createCliLogger } from '../io.js';
import type { RegistrationSource } from '../registration-source.js';

/** The credential `xaps push test` pushes with: its topic and a client for it. */
export interface PushTestCredential {
  topic: string;
  createClient(): ApnsClient;
}

/**
 * Loads the credential of the mode XAPS_MODE selects: the local mode's files (those the
 * XAPS_APNS_* settings name, else the imported copy), or with XAPS_MODE=aws the
 * AWSCURRENT version of the secret XAPS_CREDENTIAL_SECRET_ID names, as the push function
 * would push with it.
 */
export function loadPushTestCredential(
  source: RegistrationSource,
  env: Env,
): Promise<PushTestCredential> {
  return source.mode === 'aws'
    ? loadStoredCredential(source, env)
    : loadLocalCredential(source);
}

async function loadLocalCredential(
  source: Extract<RegistrationSource, { mode: 'local' }>,
): Promise<PushTestCredential> {
  const { config } = source;
  const files = config.credentialFiles ?? importedCredentialFiles(config.dataDir);
  if (files === undefined) {
    throw new CliError(`no APNs credential is configured: ${CREDENTIAL_SETTINGS_HINT}`);
  }
  const loaded = await loadConfiguredCredential(files);
  return {
    topic: loaded.topic,
    createClient: () => createApnsClient(loaded, config.core.apns, createCliLogger()),
  };
}

async function loadStoredCredential(
  source: Extract<RegistrationSource, { mode: 'aws' }>,
  env: Env,
): Promise<PushTestCredential> {
  const secretId = readString(env, 'XAPS_CREDENTIAL_SECRET_ID');
  if (secretId === undefined) {
    throw new ConfigError(
      'XAPS_CREDENTIAL_SECRET_ID',
      'XAPS_CREDENTIAL_SECRET_ID is required for xaps push test with XAPS_MODE=aws: set ' +
        'it to the secret that stores the APNs credential (the stack output CredentialSecretArn)',
    );
  }
  const { core, target } = source;
  const ca =
    core.apns.caFile === undefined ? undefined : readApnsCaFile(core.apns.caFile);
  const stored = await readSecret(secretId, target.region);
  const origin = `secret '${secretId}' version ${stored.versionId}`;
  let credential: ApnsCredential;
  try {
    credential = apnsCredentialFrom(stored.credential, origin);
  } catch (error) {
    throw new CliError((error as Error).message, { cause: error });
  }
  // As in the push function: without XAPS_APNS_ENDPOINT, the host the credential names.
  const endpoint =
    readString(env, 'XAPS_APNS_ENDPOINT') === undefined
      ? stored.credential.environment
      : core.apns.endpoint;

  return {
    topic: stored.credential.topic,
    createClient: () =>
      new ApnsClient({
        credential,
        endpoint,
        priority: core.apns.priority,
        logger: createCliLogger(),
        ...(ca === undefined ? {} : { ca }),
      }),
  };
}

async function readSecret(
  secretId: string,
  region: string | undefined,
): Promise<StoredCredentialVersion> {
  const secrets = new SecretsManagerClient(region === undefined ? {} : { region });
  try {
    return await readStoredCredential(secrets, secretId);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    // Errors without the SDK's $metadata come from readStoredCredential and name the fix.
    if (!('$metadata' in error)) throw new CliError(error.message, { cause: error });
    throw new CliError(
      `the APNs credential could not be read from secret '${secretId}' (${error.name}: ` +
        `${error.message}): check XAPS_CREDENTIAL_SECRET_ID, the region and the AWS credentials`,
      { cause: error },
    );
  } finally {
    secrets.destroy();
  }
}
