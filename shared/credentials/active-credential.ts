import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ApnsClient } from '../apns/client.js';
import type { ApnsPriority } from '../apns/request.js';
import type { ApnsCredential, PushSender } from '../apns/types.js';
import type { Logger } from '../log/logger.js';
import { readCredentialConfig, readStoredCredential } from './secret-store.js';
import type { CredentialBlock, StoredCredential } from './stored-credential.js';
import { checkStoredCredential } from './stored-credential-check.js';

/** The credential that pushes use now, and the APNs client with its session. */
export interface ActiveCredential {
  /** Secrets Manager version the credential was read from. */
  versionId: string;
  topic: string;
  kind: StoredCredential['kind'];
  sender: PushSender;
}

export interface ActiveCredentialOptions {
  secrets: SecretsManagerClient;
  dynamo: DynamoDBClient;
  tableName: string;
  secretId: string;
  /** APNs origin to push to; undefined pushes to the environment the credential names. */
  endpoint: string | undefined;
  priority: ApnsPriority;
  /** Trusted roots for the APNs server; undefined uses Node's built-in list. */
  ca: string[] | undefined;
  logger: Logger;
  /** Builds the sender of a loaded certificate; default an ApnsClient. */
  createSender?: (options: ConstructorParameters<typeof ApnsClient>[0]) => PushSender;
}

/**
 * Keeps the stored credential and one APNs client for it across invocations of a
 * warm Lambda container. Each current() call reads the credential config item (one
 * GetItem) and loads the secret again only when the item names another
 * secretVersionId, so a rotated credential is picked up on the next invocation. The
 * replaced client finishes its open streams before it closes.
 */
export class ActiveCredentialCache {
  readonly #options: ActiveCredentialOptions;
  #active: ActiveCredential | undefined;
  #block: CredentialBlock | undefined;

  constructor(options: ActiveCredentialOptions) {
    this.#options = options;
  }

  /** Returns the credential to push with, loading it on first use or after rotation. */
  async current(): Promise<ActiveCredential> {
    const { dynamo, tableName, logger } = this.#options;
    const config = await readCredentialConfig(dynamo, tableName);
    this.#block = config?.block;
    const active = this.#active;
    if (config === undefined) {
      // Without the config item there is nothing to compare: keep what is loaded.
      if (active !== undefined) return active;
      logger.warn(
        'credential config item is missing: loading the AWSCURRENT secret version',
        {
          tableName,
        },
      );
    } else if (active?.versionId === config.secretVersionId) {
      return active;
    }

    const next = await this.#load(config?.secretVersionId);
    this.#active = next;
    if (active !== undefined) {
      void this.#closeSender(active);
    }
    return next;
  }

  /** The credential block read with the config item by the last current() call. */
  get block(): CredentialBlock | undefined {
    return this.#block;
  }

  /** Closes the APNs client of the active credential. */
  async close(): Promise<void> {
    const active = this.#active;
    this.#active = undefined;
    await active?.sender.close();
  }

  async #load(versionId: string | undefined): Promise<ActiveCredential> {
    const options = this.#options;
    const { credential, versionId: loadedVersion } = await readStoredCredential(
      options.secrets,
      options.secretId,
      versionId,
    );
    const origin = `secret '${options.secretId}' version ${loadedVersion}`;
    const apnsCredential = apnsCredentialFrom(credential, origin);

    const createSender = options.createSender ?? ((o) => new ApnsClient(o));
    const sender = createSender({
      credential: apnsCredential,
      endpoint: options.endpoint ?? credential.environment,
      priority: options.priority,
      logger: options.logger,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    options.logger.info('APNs credential loaded', {
      topic: credential.topic,
      kind: credential.kind,
      environment: credential.environment,
      notAfter: credential.notAfter,
      versionId: loadedVersion,
    });
    return {
      versionId: loadedVersion,
      topic: credential.topic,
      kind: credential.kind,
      sender,
    };
  }

  async #closeSender(replaced: ActiveCredential): Promise<void> {
    try {
      await replaced.sender.close();
    } catch (error) {
      this.#options.logger.warn(
        'closing the APNs client of a replaced credential failed',
        {
          versionId: replaced.versionId,
          error,
        },
      );
    }
  }
}

/**
 * Returns the APNs credential of a stored one after checking it. A certificate's key
 * must belong to it and its subject UID must be the stored topic. A token key must be
 * an EC P-256 key with well-formed key and team ids. `origin` names the secret version.
 */
export function apnsCredentialFrom(
  credential: StoredCredential,
  origin: string,
): ApnsCredential {
  return checkStoredCredential(credential, origin, {
    statedBy: 'the secret',
    advice: 'import the credential again',
  }).credential;
}
