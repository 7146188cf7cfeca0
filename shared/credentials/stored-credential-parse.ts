import {
  type ApnsEnvironmentName,
  STORED_CREDENTIAL_KINDS as KINDS,
  STORED_CREDENTIAL_FORMAT_VERSION,
  type StoredCredential,
  type StoredCredentialKind,
} from './stored-credential.js';

const ENVIRONMENTS: readonly ApnsEnvironmentName[] = ['production', 'sandbox'];

/**
 * Parses and checks the JSON of a stored credential. `origin` names where it came from
 * (e.g. "secret 'xaps/apns' version 1a2b…") in every error. Rejects a formatVersion
 * other than the one this code reads rather than guess at its fields. Error messages
 * name fields, never their values, so no key material reaches a log.
 */
export function parseStoredCredential(text: string, origin: string): StoredCredential {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(
      `${origin} is not JSON: store the credential with xaps credential import`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(
      `${origin} is not a JSON object: store it with xaps credential import`,
    );
  }

  const fields = value as Record<string, unknown>;
  checkFormatVersion(fields.formatVersion, origin);
  const kind = fields.kind;
  if (!KINDS.includes(kind as StoredCredentialKind)) {
    throw new Error(
      `${origin} has kind ${JSON.stringify(kind)}: expected one of ${KINDS.join(', ')}`,
    );
  }

  const check = fieldChecker(fields, origin);
  check.string('topic');
  check.oneOf('environment', ENVIRONMENTS);
  check.stringOrNull('notAfter');
  check.string('storedAt');
  check.string('keyPem');
  if (kind === 'token-key') {
    check.string('keyId');
    check.string('teamId');
  } else {
    check.string('certPem');
  }
  if (kind === 'xserver-certificate') {
    check.string('serialNumber');
    check.optionalStringMap('xserver');
  }
  return fields as unknown as StoredCredential;
}

function checkFormatVersion(version: unknown, origin: string): void {
  if (version === STORED_CREDENTIAL_FORMAT_VERSION) {
    return;
  }
  if (typeof version === 'number' && version > STORED_CREDENTIAL_FORMAT_VERSION) {
    throw new Error(
      `${origin} has formatVersion ${version}, newer than the ` +
        `${STORED_CREDENTIAL_FORMAT_VERSION} this code reads: deploy the release that wrote it`,
    );
  }
  throw new Error(
    `${origin} has formatVersion ${JSON.stringify(version)}: expected ` +
      `${STORED_CREDENTIAL_FORMAT_VERSION}; store the credential again with xaps credential import`,
  );
}

function fieldChecker(fields: Record<string, unknown>, origin: string) {
  const fail = (name: string, expected: string): never => {
    throw new Error(`${origin} has an invalid or missing ${name}: expected ${expected}`);
  };
  return {
    string(name: string): void {
      const value = fields[name];
      if (typeof value !== 'string' || value === '') fail(name, 'a non-empty string');
    },
    stringOrNull(name: string): void {
      const value = fields[name];
      if (value !== null && (typeof value !== 'string' || value === '')) {
        fail(name, 'an ISO 8601 date or null');
      }
    },
    oneOf(name: string, allowed: readonly string[]): void {
      if (!allowed.includes(fields[name] as string)) fail(name, allowed.join(' or '));
    },
    optionalStringMap(name: string): void {
      const value = fields[name];
      if (value === undefined) return;
      const valid =
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((item) => typeof item === 'string');
      if (!valid) fail(name, 'an object of strings');
    },
  };
}
