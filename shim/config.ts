import { resolve } from 'node:path';
import { type CoreConfig, loadCoreConfig } from '../shared/config/core-config.js';
import {
  ConfigError,
  type Env,
  readInteger,
  readList,
  readString,
} from '../shared/config/env.js';
import {
  type AwsShimSettings,
  readAwsShimSettings,
  readShimMode,
  type ShimMode,
} from './aws/aws-config.js';
import { type CredentialFiles, readCredentialFiles } from './credential-settings.js';
import { type ListenAddress, parseListenAddress } from './listen-address.js';
import { readNotifyEvents } from './notify-events.js';

export type { CredentialFiles, TokenKeyFiles } from './credential-settings.js';

/** Settings of the shim and its local mode, on top of the shared ones. */
export interface ShimConfig {
  core: CoreConfig;
  /** Absolute path of the directory with the registrations database, topic and lock. */
  dataDir: string;
  credentialFiles: CredentialFiles | undefined;
  listen: ListenAddress;
  /** Secret every request must carry; required for a non-loopback listen address. */
  sharedSecret: string | undefined;
  /** Dovecot events that trigger a push. */
  notifyEvents: string[];
  /** Pushes waiting for APNs at most; further /notify requests are dropped and logged. */
  pushQueueSize: number;
  /** `local`: SQLite and pushes from this process; `aws`: DynamoDB and SNS. */
  mode: ShimMode;
  /** Settings of the AWS mode; set exactly when mode is `aws`. */
  aws: AwsShimSettings | undefined;
}

export const DEFAULT_LISTEN = '[::1]:11619';

/** Reads the shim settings once; throws ConfigError naming the variable on bad input. */
export function loadShimConfig(env: Env = process.env): ShimConfig {
  const listen = parseListenAddress(
    readString(env, 'XAPS_LISTEN') ?? DEFAULT_LISTEN,
    'XAPS_LISTEN',
  );
  const sharedSecret = readString(env, 'XAPS_SHARED_SECRET');
  if (!listen.loopback && sharedSecret === undefined) {
    throw new ConfigError(
      'XAPS_SHARED_SECRET',
      `XAPS_LISTEN='${env.XAPS_LISTEN ?? ''}' is not a loopback address, so XAPS_SHARED_SECRET ` +
        'is required: set it and put it in the plugin URL as http://xaps:SECRET@host:port/',
    );
  }

  const mode = readShimMode(env);
  const aws = mode === 'aws' ? readAwsShimSettings(env) : undefined;

  return {
    core: loadCoreConfig(env),
    dataDir: resolve(readString(env, 'XAPS_DATA_DIR') ?? './data'),
    credentialFiles: readCredentialFiles(env),
    listen,
    sharedSecret,
    notifyEvents: readNotifyEvents(readList(env, 'XAPS_NOTIFY_EVENTS', DEFAULT_EVENTS)),
    pushQueueSize: readInteger(env, 'XAPS_PUSH_QUEUE_SIZE', {
      fallback: 1000,
      min: 1,
      max: 1_000_000,
    }),
    mode,
    aws,
  };
}

const DEFAULT_EVENTS = ['MessageNew', 'MessageAppend'];
