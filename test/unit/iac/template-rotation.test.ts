import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_CONFIG_KEY } from '../../../shared/credentials/stored-credential.js';
import { exportTypes, firstZipEntry } from './function-bundle.js';
import {
  type CfnTemplate,
  packageTemplate,
  resource,
  resourcesOfType,
} from './packaged-template.js';
import { type Statement, statementsOf } from './policy-statements.js';

let template: CfnTemplate;

beforeAll(async () => {
  ({ template } = await packageTemplate());
});

const statements = (role: string) => statementsOf(role, resource(template, role));
const actionsOf = (list: Statement[]) =>
  [...new Set(list.flatMap((statement) => statement.actions))].sort();
const secretStatements = (role: string) =>
  statements(role).filter((statement) =>
    statement.actions.some((action) => action.startsWith('secretsmanager:')),
  );

describe('rotation schedule', () => {
  const schedule = () =>
    resource(template, 'CredentialRotationSchedule').Properties ?? {};

  it('rotates the credential secret', () => {
    expect(schedule().SecretId).toEqual({ Ref: 'CredentialSecret' });
  });

  it('runs the rotation function', () => {
    expect(schedule().RotationLambdaARN).toEqual({
      'Fn::GetAtt': ['RotateCredentialLambdaFunction', 'Arn'],
    });
  });

  it('never rotates on deploy', () => {
    expect(schedule().RotateImmediatelyOnUpdate).toBe(false);
  });

  it('schedules as far off as allowed', () => {
    expect(schedule().RotationRules).toEqual({ AutomaticallyAfterDays: 1000 });
  });

  it('lets Secrets Manager invoke it', () => {
    const permission = resource(template, 'RotateCredentialSecretsManagerPermission');

    expect(permission.Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': ['RotateCredentialLambdaFunction', 'Arn'] },
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });
});

describe('rotation role', () => {
  it('allows only the rotation contract', () => {
    expect(actionsOf(statements('RotateCredentialRole'))).toEqual([
      'dynamodb:PutItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
  });

  it('touches only its own secret', () => {
    const resources = secretStatements('RotateCredentialRole').flatMap(
      (s) => s.resources,
    );

    expect(resources).toEqual([{ Ref: 'CredentialSecret' }]);
  });

  it('writes only the config item', () => {
    const write = statements('RotateCredentialRole').find((statement) =>
      statement.actions.includes('dynamodb:PutItem'),
    );

    expect(write?.condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [CREDENTIAL_CONFIG_KEY.pk] },
    });
  });
});

describe('check role', () => {
  it('starts rotations without reading the key', () => {
    expect(actionsOf(statements('CheckCredentialRole'))).toEqual([
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'lambda:InvokeFunction',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:DescribeSecret',
      'secretsmanager:ListSecretVersionIds',
      'secretsmanager:RotateSecret',
      'secretsmanager:UpdateSecretVersionStage',
    ]);
  });

  it('invokes only the rotation function', () => {
    const invoke = statements('CheckCredentialRole').find((statement) =>
      statement.actions.includes('lambda:InvokeFunction'),
    );

    expect(invoke?.resources).toEqual([
      { 'Fn::GetAtt': ['RotateCredentialLambdaFunction', 'Arn'] },
    ]);
  });
});

describe('check function', () => {
  it('runs once a day', () => {
    const [rule] = resourcesOfType(template, 'AWS::Events::Rule');

    expect(rule?.[1].Properties?.ScheduleExpression).toBe('rate(1 day)');
    expect(JSON.stringify(rule?.[1].Properties?.Targets)).toContain(
      'CheckCredentialLambdaFunction',
    );
  });

  it('exports the handler on load', async () => {
    const entry = await firstZipEntry('.esbuild/checkCredential.zip');

    expect(await exportTypes(entry.data, ['handler'])).toEqual({ handler: 'function' });
  });

  it('bundles the rotation handler', async () => {
    const entry = await firstZipEntry('.esbuild/rotateCredential.zip');

    expect(await exportTypes(entry.data, ['handler'])).toEqual({ handler: 'function' });
  });
});

describe('credential alarms', () => {
  it('alarms two weeks before expiry', () => {
    const alarm = resource(template, 'CredentialExpiryAlarm').Properties ?? {};

    expect(alarm).toMatchObject({
      Namespace: 'xaps',
      MetricName: 'DaysToExpiry',
      Dimensions: [{ Name: 'service', Value: 'xaps-check-credential' }],
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 14,
    });
  });

  it('alarms on the block flag', () => {
    const alarm = resource(template, 'CredentialBlockedAlarm').Properties ?? {};
    const metrics = alarm.Metrics as Array<{ MetricStat?: { Metric: object } }>;

    expect(metrics.flatMap((entry) => entry.MetricStat?.Metric ?? [])).toEqual([
      expect.objectContaining({ MetricName: 'CredentialBlocked' }),
      expect.objectContaining({ MetricName: 'CredentialBlocked' }),
    ]);
  });

  it('lets a silent metric leave ALARM', () => {
    // A token key publishes no DaysToExpiry: `ignore` would keep an old ALARM forever.
    const alarm = resource(template, 'CredentialExpiryAlarm').Properties ?? {};

    expect(alarm.TreatMissingData).toBe('missing');
  });

  it('notifies a topic only when given', () => {
    const alarm = resource(template, 'CredentialExpiryAlarm').Properties ?? {};

    expect(alarm.AlarmActions).toEqual({
      'Fn::If': ['HasAlarmTopic', [{ Ref: 'AlarmTopicArn' }], { Ref: 'AWS::NoValue' }],
    });
  });
});
