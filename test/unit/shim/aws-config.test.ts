import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/env.js';
import { loadShimConfig } from '../../../shim/config.js';

const ARN = 'arn:aws:sns:eu-west-1:123456789012:xaps-new-mail';
const AWS_ENV = {
  XAPS_MODE: 'aws',
  XAPS_TABLE_NAME: 'xaps-registrations',
  XAPS_SNS_TOPIC_ARN: ARN,
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadShimConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('XAPS_MODE', () => {
  it('defaults to local', () => {
    const config = loadShimConfig({});

    expect(config.mode).toBe('local');
    expect(config.aws).toBeUndefined();
  });

  it('ignores table name in local mode', () => {
    expect(loadShimConfig({ XAPS_TABLE_NAME: 'xaps' }).mode).toBe('local');
  });

  it('accepts aws in any case', () => {
    expect(loadShimConfig({ ...AWS_ENV, XAPS_MODE: 'AWS' }).mode).toBe('aws');
  });

  it('rejects an unknown mode', () => {
    const error = configError({ XAPS_MODE: 'cloud' });

    expect(error.variable).toBe('XAPS_MODE');
    expect(error.message).toContain("XAPS_MODE='cloud'");
  });
});

describe('AWS mode settings', () => {
  it('reads table and topic', () => {
    const aws = loadShimConfig(AWS_ENV).aws;

    expect(aws?.tableName).toBe('xaps-registrations');
    expect(aws?.snsTopicArn).toBe(ARN);
  });

  it('takes region from the ARN', () => {
    expect(loadShimConfig(AWS_ENV).aws?.region).toBe('eu-west-1');
  });

  it('has defaults for the timings', () => {
    const aws = loadShimConfig(AWS_ENV).aws;

    expect(aws?.timeoutMs).toBe(1500);
    expect(aws?.usersRefreshMs).toBe(60_000);
    expect(aws?.credentialRefreshMs).toBe(60_000);
  });

  it('reads refresh seconds', () => {
    const aws = loadShimConfig({
      ...AWS_ENV,
      XAPS_USERS_REFRESH_SECONDS: '30',
      XAPS_CREDENTIAL_REFRESH_SECONDS: '300',
    }).aws;

    expect(aws?.usersRefreshMs).toBe(30_000);
    expect(aws?.credentialRefreshMs).toBe(300_000);
  });

  it('requires the table name', () => {
    const error = configError({ XAPS_MODE: 'aws', XAPS_SNS_TOPIC_ARN: ARN });

    expect(error.variable).toBe('XAPS_TABLE_NAME');
  });

  it('requires the topic ARN', () => {
    const error = configError({ XAPS_MODE: 'aws', XAPS_TABLE_NAME: 'xaps' });

    expect(error.variable).toBe('XAPS_SNS_TOPIC_ARN');
  });

  it('rejects a queue ARN', () => {
    const error = configError({
      ...AWS_ENV,
      XAPS_SNS_TOPIC_ARN: 'arn:aws:sqs:eu-west-1:123456789012:xaps',
    });

    expect(error.variable).toBe('XAPS_SNS_TOPIC_ARN');
    expect(error.message).toContain('expected an SNS topic ARN');
  });

  it('caps the timeout below the plugin', () => {
    const error = configError({ ...AWS_ENV, XAPS_AWS_TIMEOUT_MS: '2500' });

    expect(error.variable).toBe('XAPS_AWS_TIMEOUT_MS');
  });

  it('rejects credential files', () => {
    const error = configError({ ...AWS_ENV, XAPS_APNS_P12: '/etc/xaps/push.p12' });

    expect(error.variable).toBe('XAPS_APNS_P12');
    expect(error.message).toContain('xaps credential import');
  });
});
