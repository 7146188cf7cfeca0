import { readApnsCaFile } from './apns-ca.js';
import { type CoreConfig, loadCoreConfig } from './core-config.js';
import { ConfigError, type Env, readString } from './env.js';

/** Settings of the Lambda functions, on top of the ones every deployment shares. */
export interface LambdaConfig {
  core: CoreConfig;
  /** DynamoDB table of registrations, the credential config item and push claims. */
  tableName: string;
  /** Name or ARN of the Secrets Manager secret that stores the APNs credential. */
  credentialSecretId: string;
  /**
   * True when XAPS_APNS_ENDPOINT is set. When it is unset the functions push to the
   * APNs environment the stored credential names, not to the production default.
   */
  apnsEndpointSet: boolean;
  /** Trusted roots for the APNs server: Node's built-in list plus XAPS_APNS_CA, if set. */
  apnsCa: string[] | undefined;
  /** CloudWatch namespace of the functions' metrics. */
  metricsNamespace: string;
}

export const DEFAULT_METRICS_NAMESPACE = 'xaps';

// CloudWatch namespaces: up to 255 of these characters, and not in the reserved AWS/ space.
const NAMESPACE = /^[A-Za-z0-9._\-/#:]{1,255}$/;

/**
 * Reads the Lambda settings once per container. Throws ConfigError naming the
 * variable when a required one is missing or a value is invalid.
 */
export function loadLambdaConfig(env: Env = process.env): LambdaConfig {
  const core = loadCoreConfig(env);
  return {
    core,
    tableName: readRequired(env, 'XAPS_TABLE_NAME', 'the registrations table name'),
    credentialSecretId: readRequired(
      env,
      'XAPS_CREDENTIAL_SECRET_ID',
      'the name or ARN of the secret that stores the APNs credential',
    ),
    apnsEndpointSet: readString(env, 'XAPS_APNS_ENDPOINT') !== undefined,
    apnsCa: core.apns.caFile === undefined ? undefined : readApnsCaFile(core.apns.caFile),
    metricsNamespace: readMetricsNamespace(env),
  };
}

/**
 * Reads XAPS_METRICS_NAMESPACE, default "xaps". Apart from loadLambdaConfig because
 * the metrics object exists before the first invocation reads the other settings.
 */
export function readMetricsNamespace(env: Env = process.env): string {
  const namespace =
    readString(env, 'XAPS_METRICS_NAMESPACE') ?? DEFAULT_METRICS_NAMESPACE;
  if (!NAMESPACE.test(namespace) || namespace.startsWith('AWS/')) {
    throw new ConfigError(
      'XAPS_METRICS_NAMESPACE',
      `XAPS_METRICS_NAMESPACE='${namespace}' is invalid: use up to 255 letters, digits ` +
        'and . - _ / # : characters, not starting with AWS/',
    );
  }
  return namespace;
}

function readRequired(env: Env, name: string, what: string): string {
  const value = readString(env, name);
  if (value === undefined) {
    throw new ConfigError(name, `${name} is required: set it to ${what}`);
  }
  return value;
}
