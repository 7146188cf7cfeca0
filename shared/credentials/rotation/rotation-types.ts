import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ApnsPriority } from '../../apns/request.js';
import type { Logger } from '../../log/logger.js';

/** The four steps of Secrets Manager's rotation contract, in the order it calls them. */
export const ROTATION_STEPS = [
  'createSecret',
  'setSecret',
  'testSecret',
  'finishSecret',
] as const;

export type RotationStep = (typeof ROTATION_STEPS)[number];

/** The event Secrets Manager invokes a rotation function with. */
export interface RotationEvent {
  Step: RotationStep;
  /** ARN (or name) of the secret being rotated. */
  SecretId: string;
  /** Version id of the new version; the same for all four steps of one rotation. */
  ClientRequestToken: string;
}

/** The logger of the rotation code: the XServer client takes a whole Powertools Logger. */
export type RotationLogger = Logger;

/** Settings of XServer certificate renewal. Unset means renewal is off. */
export interface XServerRenewalSettings {
  /** `apple` or the https URL of a compatible certificate service. */
  endpoint: string;
  /** Trusted roots for the service's TLS certificate; default Node's built-in list. */
  ca?: string[];
  /** Time allowed for the exchange in ms; default the client's 60000. */
  timeoutMs?: number;
}

/** Settings of the testSecret probe push to APNs. */
export interface ProbeSettings {
  /** APNs origin; undefined uses the host of the environment the credential names. */
  endpoint: string | undefined;
  /** Trusted roots for the APNs server; undefined uses Node's built-in list. */
  ca: string[] | undefined;
  priority: ApnsPriority;
  /** Device token of the test push; default 64 hex zeros, which belong to no device. */
  deviceToken?: string;
  /** Time allowed for the handshake and the response, in ms; default 10000. */
  timeoutMs?: number;
}

/** Dependencies of every rotation step. */
export interface RotationDeps {
  secrets: SecretsManagerClient;
  dynamodb: DynamoDBClient;
  /** The registrations table, which contains the credential config item. */
  tableName: string;
  logger: RotationLogger;
  /** Undefined when XAPS_XSERVER_ENDPOINT is unset: XServer renewal is then off. */
  renewal: XServerRenewalSettings | undefined;
  probe: ProbeSettings;
  now?: () => Date;
}
