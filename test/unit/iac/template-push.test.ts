import { beforeAll, describe, expect, it } from 'vitest';
import { exportTypes, firstZipEntry } from './function-bundle.js';
import {
  type CfnTemplate,
  packageTemplate,
  resource,
  resourcesOfType,
} from './packaged-template.js';

let template: CfnTemplate;
let packageMs = 0;

beforeAll(async () => {
  ({ template, packageMs } = await packageTemplate());
  console.info(`osls package wrote the template in ${packageMs} ms`);
});

const pushFunction = () => resource(template, 'PushLambdaFunction').Properties ?? {};

describe('push function', () => {
  it('runs on nodejs22.x', () => {
    expect(pushFunction().Runtime).toBe('nodejs22.x');
  });

  it('loads the esbuild bundle', () => {
    const code = pushFunction().Code as { S3Key?: string };

    expect(pushFunction().Handler).toBe('index.handler');
    expect(code.S3Key).toMatch(/\/push\.zip$/);
  });

  it('uses its own role', () => {
    expect(pushFunction().Role).toEqual({ 'Fn::GetAtt': ['PushRole', 'Arn'] });
  });

  it('finds the table and secret', () => {
    const variables = (pushFunction().Environment as { Variables: object }).Variables;

    expect(variables).toMatchObject({
      XAPS_TABLE_NAME: { Ref: 'RegistrationsTable' },
      XAPS_CREDENTIAL_SECRET_ID: { Ref: 'CredentialSecret' },
    });
  });
});

describe('push function bundle', () => {
  it('holds index.mjs alone', async () => {
    const entry = await firstZipEntry('.esbuild/push.zip');

    expect(entry.name).toBe('index.mjs');
  });

  it('exports the handler on load', async () => {
    const entry = await firstZipEntry('.esbuild/push.zip');

    expect(await exportTypes(entry.data, ['handler'])).toEqual({ handler: 'function' });
  });
});

describe('push function events', () => {
  it('subscribes to the new-mail topic', () => {
    const subscriptions = resourcesOfType(template, 'AWS::SNS::Subscription').map(
      ([, entry]) => entry.Properties,
    );

    expect(subscriptions).toEqual([
      {
        TopicArn: { Ref: 'NewMailTopic' },
        Protocol: 'lambda',
        Endpoint: { 'Fn::GetAtt': ['PushLambdaFunction', 'Arn'] },
      },
    ]);
  });

  it('lets only that topic invoke through SNS', () => {
    const snsPermissions = resourcesOfType(template, 'AWS::Lambda::Permission')
      .map(([, entry]) => entry.Properties ?? {})
      .filter((properties) => properties.Principal === 'sns.amazonaws.com');

    expect(snsPermissions.map((properties) => properties.SourceArn)).toEqual([
      { Ref: 'NewMailTopic' },
    ]);
  });

  it('sends failed invocations to the queue', () => {
    const [config] = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig');

    expect(config?.[1].Properties).toMatchObject({
      FunctionName: { Ref: 'PushLambdaFunction' },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['PushFailureQueue', 'Arn'] } },
      },
      MaximumRetryAttempts: 2,
    });
  });
});
