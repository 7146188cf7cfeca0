import { resolveApnsOrigin } from '../../apns/endpoint.js';
import { apnsCredentialOf } from '../model.js';
import { probeApns } from './apns-probe.js';
import { probeVerdict } from './probe-verdict.js';
import type { RotationDeps, RotationEvent } from './rotation-types.js';
import {
  AWSCURRENT,
  describeVersions,
  hasLabel,
  readVersion,
} from './secret-versions.js';

/** Outcome of testSecret. Rejected and unknown verdicts throw instead. */
export type TestOutcome = 'accepted' | 'already-current' | 'nothing-to-test';

/** A testSecret that did not prove the new credential; the rotation stops here. */
export class RotationTestError extends Error {
  override readonly name = 'RotationTestError';

  constructor(
    readonly verdict: 'rejected' | 'unknown',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Proves that APNs accepts the AWSPENDING credential: a TLS handshake with it and one
 * push to an unused device token. Throws RotationTestError on a rejected or unknown
 * verdict, so AWSCURRENT never moves to an unproven credential. A token whose version
 * has no value (nothing was rotated, or Secrets Manager checking the configuration)
 * passes without a push.
 */
export async function testSecret(
  event: RotationEvent,
  deps: RotationDeps,
): Promise<TestOutcome> {
  const { SecretId: secretId, ClientRequestToken: token } = event;
  const ids = { secretId, token };
  const versions = await describeVersions(deps.secrets, secretId);
  if (hasLabel(versions, token, AWSCURRENT)) {
    deps.logger.info('testSecret: the version is already AWSCURRENT', ids);
    return 'already-current';
  }
  const credential = await readVersion(deps.secrets, secretId, token);
  if (credential === undefined) {
    deps.logger.info('testSecret: no pending version has a value, nothing to test', ids);
    return 'nothing-to-test';
  }

  const origin = resolveApnsOrigin(deps.probe.endpoint ?? credential.environment);
  const probe = await probeApns({
    credential: apnsCredentialOf(credential),
    topic: credential.topic,
    origin,
    ca: deps.probe.ca,
    priority: deps.probe.priority,
    ...(deps.probe.deviceToken === undefined
      ? {}
      : { deviceToken: deps.probe.deviceToken }),
    ...(deps.probe.timeoutMs === undefined ? {} : { timeoutMs: deps.probe.timeoutMs }),
  });
  const result = probeVerdict(probe);
  const facts = {
    ...ids,
    topic: credential.topic,
    kind: credential.kind,
    origin,
    ...result,
  };
  if (result.verdict === 'accepted') {
    deps.logger.info('testSecret: APNs accepted the new credential', facts);
    return 'accepted';
  }

  deps.logger.error(
    `testSecret: the new credential's verdict is ${result.verdict}`,
    facts,
  );
  const advice =
    result.verdict === 'rejected'
      ? 'AWSCURRENT stays on the old version; upload a working credential with xaps credential import'
      : 'AWSCURRENT stays on the old version until a later attempt gets a verdict';
  throw new RotationTestError(
    result.verdict,
    `testSecret: APNs at ${origin} responded with ${result.response} for topic ` +
      `'${credential.topic}' (${result.verdict}: ${result.detail}); ${advice}`,
  );
}
