import type { CfnResource, CfnTemplate } from './packaged-template.js';

/** One IAM policy statement, with Action and Resource always lists. */
export interface Statement {
  /** Logical id of the resource whose policy contains the statement. */
  owner: string;
  effect: string;
  actions: string[];
  resources: unknown[];
  condition: unknown;
}

/** Resource types whose properties carry IAM policy documents, and where. */
const POLICY_DOCUMENTS: Record<
  string,
  (properties: Record<string, unknown>) => unknown[]
> = {
  'AWS::IAM::Role': (p) => [
    ...asList(p.Policies).map((policy) => record(policy).PolicyDocument),
  ],
  'AWS::IAM::Policy': (p) => [p.PolicyDocument],
  'AWS::IAM::ManagedPolicy': (p) => [p.PolicyDocument],
  'AWS::SNS::TopicPolicy': (p) => [p.PolicyDocument],
  'AWS::SQS::QueuePolicy': (p) => [p.PolicyDocument],
  'AWS::S3::BucketPolicy': (p) => [p.PolicyDocument],
};

/**
 * Returns every statement of every policy in the template. Both branches of an Fn::If
 * count, because either can be deployed.
 */
export function allStatements(template: CfnTemplate): Statement[] {
  return Object.entries(template.Resources).flatMap(([id, entry]) =>
    statementsOf(id, entry),
  );
}

/** Returns the statements of one resource's policies. */
export function statementsOf(owner: string, entry: CfnResource): Statement[] {
  const documents = POLICY_DOCUMENTS[entry.Type]?.(entry.Properties ?? {}) ?? [];
  return documents.flatMap((document) =>
    branches(record(document).Statement).map((raw) => {
      const statement = record(raw);
      return {
        owner,
        effect: String(statement.Effect),
        actions: asList(statement.Action).map(String),
        resources: asList(statement.Resource),
        condition: statement.Condition,
      };
    }),
  );
}

/**
 * Returns every statement that applies to a role: its inline policies and those of the
 * AWS::IAM::Policy and AWS::IAM::ManagedPolicy resources that list it under Roles.
 */
export function roleStatements(template: CfnTemplate, roleId: string): Statement[] {
  return Object.entries(template.Resources).flatMap(([id, entry]) => {
    if (id === roleId) return statementsOf(id, entry);
    const attached = asList(entry.Properties?.Roles).some(
      (role) => record(role).Ref === roleId,
    );
    const isPolicy =
      entry.Type === 'AWS::IAM::Policy' || entry.Type === 'AWS::IAM::ManagedPolicy';
    return isPolicy && attached ? statementsOf(id, entry) : [];
  });
}

/** Returns the statement list with each Fn::If replaced by its deployable branches. */
function branches(statements: unknown): unknown[] {
  return asList(statements).flatMap((item) => {
    const conditional = record(item)['Fn::If'];
    if (!Array.isArray(conditional)) return [item];
    return conditional.slice(1).filter((branch) => !isNoValue(branch));
  });
}

function isNoValue(value: unknown): boolean {
  return record(value).Ref === 'AWS::NoValue';
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : {};
}
