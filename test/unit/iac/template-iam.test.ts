import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_CONFIG_KEY } from '../../../shared/credentials/stored-credential.js';
import { userKey } from '../../../shared/registrations/dynamodb-schema.js';
import {
  type CfnTemplate,
  packageTemplate,
  resource,
  resourcesOfType,
} from './packaged-template.js';
import {
  allStatements,
  roleStatements,
  type Statement,
  statementsOf,
} from './policy-statements.js';

let template: CfnTemplate;

beforeAll(async () => {
  ({ template } = await packageTemplate());
});

const pushStatements = () => roleStatements(template, 'PushRole');
const shimStatements = () => statementsOf('ShimPolicy', resource(template, 'ShimPolicy'));
const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((statement) => statement.actions))].sort();

/** Returns the dynamodb:LeadingKeys values of a statement's condition. */
function leadingKeys(statement: Statement | undefined): string[] {
  const condition = (statement?.condition ?? {}) as Record<
    string,
    Record<string, unknown>
  >;
  const test = Object.values(condition)[0] ?? {};
  return (test['dynamodb:LeadingKeys'] as string[] | undefined) ?? [];
}

/** True when `value` matches an IAM StringLike pattern (only `*` is used here). */
function likeMatches(pattern: string, value: string): boolean {
  const parts = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`).test(value);
}

describe('roles', () => {
  it('gives each function its own role', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const roles = functions.map(([, entry]) => JSON.stringify(entry.Properties?.Role));

    expect(new Set(roles).size).toBe(functions.length);
    expect(resourcesOfType(template, 'AWS::IAM::Role')).toHaveLength(functions.length);
  });

  it('attaches no managed policy from outside', () => {
    // An AWS managed policy's actions are not in the template, so no test here could see them.
    const outside = resourcesOfType(template, 'AWS::IAM::Role').flatMap(([id, role]) => {
      const arns = (role.Properties?.ManagedPolicyArns ?? []) as unknown[];
      return arns
        .filter((arn) => typeof arn === 'string' || !('Ref' in Object(arn)))
        .map((arn) => `${id}: ${JSON.stringify(arn)}`);
    });

    expect(outside).toEqual([]);
  });

  it('allows no wildcard action anywhere', () => {
    const wildcards = allStatements(template)
      .filter((statement) => statement.effect === 'Allow')
      .flatMap((statement) =>
        statement.actions
          .filter((action) => action.includes('*'))
          .map((action) => `${statement.owner}: ${action}`),
      );

    expect(wildcards).toEqual([]);
  });
});

describe('push role', () => {
  it('allows only what push calls', () => {
    expect(actionsOf(pushStatements())).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ]);
  });

  it('cannot change the secret', () => {
    const secretActions = actionsOf(pushStatements()).filter((action) =>
      action.startsWith('secretsmanager:'),
    );

    expect(secretActions).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('reads only its own secret', () => {
    const read = pushStatements().find((statement) =>
      statement.actions.includes('secretsmanager:GetSecretValue'),
    );

    expect(read?.resources).toEqual([{ Ref: 'CredentialSecret' }]);
  });

  it('sends only to the failure queue', () => {
    const send = pushStatements().find((statement) =>
      statement.actions.includes('sqs:SendMessage'),
    );

    expect(send?.resources).toEqual([{ 'Fn::GetAtt': ['PushFailureQueue', 'Arn'] }]);
  });
});

describe('shim managed policy', () => {
  it('allows registrations, config and publish', () => {
    expect(actionsOf(shimStatements())).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'sns:Publish',
    ]);
  });

  it('cannot touch the secret', () => {
    const secretActions = actionsOf(shimStatements()).filter((action) =>
      action.startsWith('secretsmanager:'),
    );

    expect(secretActions).toEqual([]);
  });

  it('writes registration items only', () => {
    const writes = shimStatements().find((statement) =>
      statement.actions.includes('dynamodb:PutItem'),
    );
    const patterns = leadingKeys(writes);

    expect(patterns.some((pattern) => likeMatches(pattern, userKey('alice')))).toBe(true);
    expect(
      patterns.some((pattern) => likeMatches(pattern, CREDENTIAL_CONFIG_KEY.pk)),
    ).toBe(false);
  });

  it('reads only the config item', () => {
    const configRead = shimStatements().find(
      (statement) =>
        statement.actions.length === 1 && statement.actions[0] === 'dynamodb:GetItem',
    );

    expect(leadingKeys(configRead)).toEqual([CREDENTIAL_CONFIG_KEY.pk]);
  });

  it('uses the topic key only when encrypted', () => {
    const policy = resource(template, 'ShimPolicy').Properties as {
      PolicyDocument: { Statement: Array<Record<string, unknown>> };
    };
    const conditional = policy.PolicyDocument.Statement.find((item) => 'Fn::If' in item);

    const [condition] = (conditional?.['Fn::If'] ?? []) as unknown[];

    expect(condition).toBe('NewMailTopicEncrypted');
  });
});
