import {
  ConfigError,
  type Env,
  readInteger,
  readString,
} from '../../shared/config/env.js';

/** Mode of `xaps serve`: the store of registrations and the target of new-mail events. */
export type ShimMode = 'local' | 'aws';

/** Settings of the AWS mode: DynamoDB for registrations, SNS for /notify events. */
export interface AwsShimSettings {
  /** DynamoDB table with the registrations and the credential config item. */
  tableName: string;
  /** SNS topic the push function subscribes to. */
  snsTopicArn: string;
  /** Region of the table and the topic, taken from the topic ARN. */
  region: string;
  /** Deadline of one AWS call, in ms; /register responds within about this time. */
  timeoutMs: number;
  /** How often the set of users with registrations is reloaded, in ms. */
  usersRefreshMs: number;
  /** How often the credential config item (the topic) is read again, in ms. */
  credentialRefreshMs: number;
}

export const DEFAULT_AWS_TIMEOUT_MS = 1500;

// The Dovecot xaps plugin gives up on a request after 5 s and sends it again. A
// /register with no topic known yet waits for two calls: the topic read, then the write.
const MAX_AWS_TIMEOUT_MS = 2000;

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$/;

/** Reads XAPS_MODE: `local` (default, SQLite and in-process pushes) or `aws`. */
export function readShimMode(env: Env): ShimMode {
  const raw = readString(env, 'XAPS_MODE') ?? 'local';
  const mode = raw.toLowerCase();
  if (mode !== 'local' && mode !== 'aws') {
    throw new ConfigError(
      'XAPS_MODE',
      `XAPS_MODE='${raw}' is invalid: expected local (SQLite in XAPS_DATA_DIR, pushes ` +
        'from this process) or aws (DynamoDB and SNS)',
    );
  }
  return mode;
}

/** Reads the AWS mode's settings; throws ConfigError naming a missing or bad variable. */
export function readAwsShimSettings(env: Env): AwsShimSettings {
  rejectCredentialFiles(env);
  const tableName = requireSetting(
    env,
    'XAPS_TABLE_NAME',
    'the DynamoDB table of the deployment (the stack output RegistrationsTableName)',
  );
  const snsTopicArn = requireSetting(
    env,
    'XAPS_SNS_TOPIC_ARN',
    'the ARN of the SNS topic the push function subscribes to (the stack output NewMailTopicArn)',
  );
  return {
    tableName,
    snsTopicArn,
    region: regionOfTopicArn(snsTopicArn),
    timeoutMs: readInteger(env, 'XAPS_AWS_TIMEOUT_MS', {
      fallback: DEFAULT_AWS_TIMEOUT_MS,
      min: 50,
      max: MAX_AWS_TIMEOUT_MS,
    }),
    usersRefreshMs: readSeconds(env, 'XAPS_USERS_REFRESH_SECONDS', 60),
    credentialRefreshMs: readSeconds(env, 'XAPS_CREDENTIAL_REFRESH_SECONDS', 60),
  };
}

/** Returns the region of an SNS topic ARN; throws ConfigError for anything else. */
export function regionOfTopicArn(snsTopicArn: string): string {
  const region = SNS_TOPIC_ARN.exec(snsTopicArn)?.[1];
  if (region === undefined) {
    throw new ConfigError(
      'XAPS_SNS_TOPIC_ARN',
      `XAPS_SNS_TOPIC_ARN='${snsTopicArn}' is invalid: expected an SNS topic ARN such as ` +
        'arn:aws:sns:eu-west-1:123456789012:xaps-new-mail',
    );
  }
  return region;
}

function readSeconds(env: Env, name: string, fallback: number): number {
  return readInteger(env, name, { fallback, min: 1, max: 86_400 }) * 1000;
}

function requireSetting(env: Env, name: string, what: string): string {
  const value = readString(env, name);
  if (value === undefined) {
    throw new ConfigError(
      name,
      `${name} is required with XAPS_MODE=aws: set it to ${what}`,
    );
  }
  return value;
}

// The AWS mode reads the topic from DynamoDB and never loads the private key.
function rejectCredentialFiles(env: Env): void {
  for (const name of [
    'XAPS_APNS_CERT',
    'XAPS_APNS_KEY',
    'XAPS_APNS_P12',
    'XAPS_APNS_TOKEN_KEY',
  ]) {
    if (readString(env, name) !== undefined) {
      throw new ConfigError(
        name,
        `${name} is set, but XAPS_MODE=aws takes the topic from the credential config ` +
          'item in DynamoDB and pushes from the push function: unset it, and import the ' +
          'credential with `xaps credential import`',
      );
    }
  }
}
