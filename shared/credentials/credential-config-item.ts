import { blockOf } from './credential-block.js';
import {
  CREDENTIAL_CONFIG_KEY,
  type CredentialConfig,
  STORED_CREDENTIAL_KINDS as KINDS,
  type StoredCredential,
  type StoredCredentialKind,
} from './stored-credential.js';

/*
 * The credential config item is stored flat: the CREDENTIAL_CONFIG_KEY attributes
 * (pk, sk) plus one attribute per CredentialConfig field. It carries no deviceToken,
 * user or listing attribute, so the table's secondary indexes never see it.
 */

/** Builds the config that records the public facts of secret version `secretVersionId`. */
export function credentialConfigOf(
  credential: StoredCredential,
  secretVersionId: string,
  updatedAt: Date,
): CredentialConfig {
  return {
    topic: credential.topic,
    kind: credential.kind,
    environment: credential.environment,
    notAfter: credential.notAfter,
    secretVersionId,
    updatedAt: updatedAt.toISOString(),
  };
}

/** Builds the DynamoDB item (document client form) that stores `config`. */
export function credentialConfigItem(config: CredentialConfig): Record<string, unknown> {
  return {
    ...CREDENTIAL_CONFIG_KEY,
    topic: config.topic,
    kind: config.kind,
    environment: config.environment,
    notAfter: config.notAfter,
    secretVersionId: config.secretVersionId,
    updatedAt: config.updatedAt,
  };
}

/** Reads a CredentialConfig from its item; throws naming the first invalid attribute. */
export function parseCredentialConfigItem(
  item: Record<string, unknown>,
): CredentialConfig {
  const text = (name: string): string => {
    const value = item[name];
    if (typeof value !== 'string' || value === '') {
      throw invalid(name, 'a non-empty string');
    }
    return value;
  };

  const kind = text('kind');
  if (!KINDS.includes(kind as StoredCredentialKind)) {
    throw invalid('kind', KINDS.join(', '));
  }
  const environment = text('environment');
  if (environment !== 'production' && environment !== 'sandbox') {
    throw invalid('environment', 'production or sandbox');
  }
  const notAfter = item.notAfter === null ? null : text('notAfter');

  const config: CredentialConfig = {
    topic: text('topic'),
    kind: kind as StoredCredentialKind,
    environment,
    notAfter,
    secretVersionId: text('secretVersionId'),
    updatedAt: text('updatedAt'),
  };
  const block = blockOf(item);
  if (block !== undefined) config.block = block;
  return config;
}

function invalid(attribute: string, expected: string): Error {
  return new Error(
    `the credential config item (pk ${CREDENTIAL_CONFIG_KEY.pk}) has an invalid or ` +
      `missing ${attribute}: expected ${expected}; import the credential again to rewrite it`,
  );
}
