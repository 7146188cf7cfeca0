import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseCredentialConfigItem } from '../../shared/credentials/credential-config-item.js';
import {
  type CheckRecord,
  checkRecordOf,
} from '../../shared/credentials/rotation/check-record.js';
import {
  type CredentialPlan,
  planCredential,
  planLocalCredential,
} from '../../shared/credentials/rotation/policy.js';
import { describeVersions } from '../../shared/credentials/rotation/secret-versions.js';
import {
  CREDENTIAL_CONFIG_KEY,
  type CredentialBlock,
  type CredentialConfig,
} from '../../shared/credentials/stored-credential.js';
import { loadShimConfig } from '../../shim/config.js';
import { kindOf, loadConfiguredCredential } from '../../shim/credential-files.js';
import { importedCredentialFiles } from '../../shim/imported-credential.js';
import type { CliIo } from '../io.js';
import { awsClients } from './credential-target.js';

/** The state of the AWS deployment's credential, as `xaps credential status` shows it. */
export interface AwsCredentialStatus {
  mode: 'aws';
  secretId: string;
  tableName: string;
  /** The config item's facts; null when no credential was imported. */
  credential: Omit<CredentialConfig, 'block'> | null;
  currentVersionId: string | null;
  plan: CredentialPlan | null;
  block: CredentialBlock | null;
  /** A version waiting under XAPS_UPLOADED for the next rotation. */
  uploadedVersionId: string | null;
  /** AWSPENDING on a version other than AWSCURRENT: a rotation running or left over. */
  pendingVersionId: string | null;
  rotationEnabled: boolean;
  lastCheck: CheckRecord | null;
}

/** The state of the local mode's credential. */
export interface LocalCredentialStatus {
  mode: 'local';
  dataDir: string;
  /** `environment`: XAPS_APNS_* files; `imported`: the data directory's copy. */
  source: 'environment' | 'imported' | null;
  credential: {
    topic: string;
    kind: CredentialConfig['kind'];
    environment: string;
    /** Null for a token key, which does not expire. */
    notAfter: string | null;
  } | null;
  plan: CredentialPlan | null;
}

/** Reads the config item, its check record and the secret's labels. */
export async function readAwsStatus(
  place: { secretId: string; tableName: string; region: string | undefined },
  now: Date,
): Promise<AwsCredentialStatus> {
  const clients = awsClients(place.region);
  try {
    const [{ Item }, versions] = await Promise.all([
      DynamoDBDocumentClient.from(clients.dynamodb).send(
        new GetCommand({ TableName: place.tableName, Key: { ...CREDENTIAL_CONFIG_KEY } }),
      ),
      describeVersions(clients.secrets, place.secretId),
    ]);
    const config = Item === undefined ? undefined : parseCredentialConfigItem(Item);
    const lastCheck = Item === undefined ? undefined : checkRecordOf(Item);
    const uploaded =
      versions.uploaded !== versions.current ? versions.uploaded : undefined;
    const pending = versions.pending !== versions.current ? versions.pending : undefined;
    let credential: AwsCredentialStatus['credential'] = null;
    let block: CredentialBlock | null = null;
    if (config !== undefined) {
      const { block: configBlock, ...facts } = config;
      credential = facts;
      block = configBlock ?? null;
    }
    return {
      mode: 'aws',
      secretId: place.secretId,
      tableName: place.tableName,
      credential,
      currentVersionId: versions.current ?? null,
      plan:
        config === undefined
          ? null
          : planCredential({
              kind: config.kind,
              notAfter: config.notAfter,
              now,
              uploadWaiting: uploaded !== undefined,
              renewalConfigured: lastCheck?.renewal === 'on',
              mode: 'aws',
            }),
      block,
      uploadedVersionId: uploaded ?? null,
      pendingVersionId: pending ?? null,
      rotationEnabled: versions.rotationEnabled,
      lastCheck: lastCheck ?? null,
    };
  } finally {
    clients.close();
  }
}

/** Loads the credential `xaps serve` would use and plans its expiry. */
export async function readLocalStatus(
  io: CliIo,
  now: Date,
): Promise<LocalCredentialStatus> {
  const config = loadShimConfig(io.env);
  const imported = importedCredentialFiles(config.dataDir);
  const files = config.credentialFiles ?? imported;
  const source = config.credentialFiles !== undefined ? 'environment' : 'imported';
  if (files === undefined) {
    return {
      mode: 'local',
      dataDir: config.dataDir,
      source: null,
      credential: null,
      plan: null,
    };
  }
  const loaded = await loadConfiguredCredential(files);
  const kind = kindOf(loaded);
  const notAfter = loaded.notAfter?.toISOString() ?? null;
  return {
    mode: 'local',
    dataDir: config.dataDir,
    source,
    credential: { topic: loaded.topic, kind, environment: loaded.environment, notAfter },
    plan: planLocalCredential(kind, notAfter, now),
  };
}
