import { beforeAll, describe, expect, it } from 'vitest';
import {
  registrationTableDefinition,
  registrationTimeToLive,
} from '../../../shared/registrations/dynamodb-schema.js';
import {
  type CfnTemplate,
  packageTemplate,
  resource,
  resourcesOfType,
} from './packaged-template.js';

let template: CfnTemplate;

beforeAll(async () => {
  ({ template } = await packageTemplate());
});

/** Sorts a list of objects by one key, so the comparison ignores declaration order. */
function byKey<T extends Record<string, unknown>>(items: unknown, key: string): T[] {
  return [...(items as T[])].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

describe('registrations table', () => {
  const schema = registrationTableDefinition('unused');
  const table = () => resource(template, 'RegistrationsTable').Properties ?? {};

  it('uses the schema module keys', () => {
    expect(table().KeySchema).toEqual(schema.KeySchema);
  });

  it('declares the schema attribute types', () => {
    expect(byKey(table().AttributeDefinitions, 'AttributeName')).toEqual(
      byKey(schema.AttributeDefinitions, 'AttributeName'),
    );
  });

  it('declares the schema secondary indexes', () => {
    expect(byKey(table().GlobalSecondaryIndexes, 'IndexName')).toEqual(
      byKey(schema.GlobalSecondaryIndexes, 'IndexName'),
    );
  });

  it('bills on demand', () => {
    expect(table().BillingMode).toBe(schema.BillingMode);
  });

  it('enables point-in-time recovery', () => {
    expect(table().PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });

  it('expires items on expiresAt', () => {
    expect(table().TimeToLiveSpecification).toEqual(registrationTimeToLive());
  });

  it('survives removing the stack', () => {
    expect(resource(template, 'RegistrationsTable').DeletionPolicy).toBe('Retain');
  });
});

describe('topic, queue and secret', () => {
  it('creates the new-mail topic', () => {
    expect(resource(template, 'NewMailTopic').Type).toBe('AWS::SNS::Topic');
  });

  it('creates the push failure queue', () => {
    expect(resource(template, 'PushFailureQueue').Type).toBe('AWS::SQS::Queue');
  });

  it('creates the secret without a value', () => {
    const secret = resource(template, 'CredentialSecret');

    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties?.SecretString).toBeUndefined();
    expect(secret.Properties?.GenerateSecretString).toBeUndefined();
  });

  it('attaches one rotation schedule', () => {
    const schedules = resourcesOfType(template, 'AWS::SecretsManager::RotationSchedule');

    expect(schedules.map(([, entry]) => entry.Properties?.SecretId)).toEqual([
      { Ref: 'CredentialSecret' },
    ]);
  });

  it('adds a topic policy only when needed', () => {
    expect(resource(template, 'NewMailTopicSesPolicy').Condition).toBe(
      'SesNeedsTopicPolicy',
    );
  });
});

describe('optional SES wiring', () => {
  const rules = () => resourcesOfType(template, 'AWS::SES::ReceiptRule');

  it('creates rules only on request', () => {
    expect(rules().map(([, rule]) => rule.Condition)).toEqual([
      'AddSnsReceiptRule',
      'AddLambdaReceiptRule',
    ]);
  });

  it('adds to the given rule set', () => {
    for (const [, rule] of rules()) {
      expect(rule.Properties?.RuleSetName).toEqual({ Ref: 'SesRuleSetName' });
    }
  });

  it('never creates or activates rule sets', () => {
    const sets = Object.values(template.Resources).filter((entry) =>
      entry.Type.startsWith('AWS::SES::ReceiptRuleSet'),
    );

    expect(sets).toEqual([]);
  });

  it('publishes to the new-mail topic', () => {
    const rule = resource(template, 'NewMailReceiptRule').Properties?.Rule;

    expect(rule).toMatchObject({
      Actions: [{ SNSAction: { TopicArn: { Ref: 'NewMailTopic' } } }],
    });
  });

  it('grants SES invoke only on request', () => {
    const permission = resource(template, 'SesInvokePushPermission');

    expect(permission.Condition).toBe('SesInvokesPush');
    expect(permission.Properties?.Principal).toBe('ses.amazonaws.com');
  });
});

describe('stack outputs', () => {
  it.each([
    ['RegistrationsTableName', { Ref: 'RegistrationsTable' }],
    ['NewMailTopicArn', { Ref: 'NewMailTopic' }],
    ['CredentialSecretArn', { Ref: 'CredentialSecret' }],
    ['ShimPolicyArn', { Ref: 'ShimPolicy' }],
  ])('exports %s', (name, value) => {
    expect(template.Outputs?.[name]?.Value).toEqual(value);
  });
});
