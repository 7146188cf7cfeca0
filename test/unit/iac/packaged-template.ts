import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const OSLS_BIN = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
const PACKAGE_TIMEOUT_MS = 60_000;

/** One resource of a CloudFormation template. */
export interface CfnResource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  DependsOn?: string | string[];
  Properties?: Record<string, unknown>;
}

/** The parts of a CloudFormation template the tests read. */
export interface CfnTemplate {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** The template osls wrote, and how long `osls package` took. */
export interface PackagedTemplate {
  template: CfnTemplate;
  packageMs: number;
}

/**
 * Runs `osls package` the way `npm run package` does, into a temporary directory, with no
 * AWS variables and an empty HOME (so no ~/.aws), and returns the update-stack template.
 */
export async function packageTemplate(stage = 'test'): Promise<PackagedTemplate> {
  const outDir = await mkdtemp(join(tmpdir(), 'xaps-iac-out-'));
  const home = await mkdtemp(join(tmpdir(), 'xaps-iac-home-'));
  try {
    const started = performance.now();
    await runOsls(['package', '--stage', stage, '--package', outDir], home);
    const packageMs = Math.round(performance.now() - started);

    const text = await readFile(
      join(outDir, 'cloudformation-template-update-stack.json'),
      'utf8',
    );
    return { template: JSON.parse(text) as CfnTemplate, packageMs };
  } finally {
    await rm(outDir, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}

function runOsls(args: string[], home: string): Promise<void> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
  const child = spawn(process.execPath, [OSLS_BIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), PACKAGE_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve();
        return;
      }
      reject(
        new Error(
          `osls ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output}`,
        ),
      );
    });
  });
}

/** Returns the resource with that logical id, failing with the ids that exist. */
export function resource(template: CfnTemplate, logicalId: string): CfnResource {
  const found = template.Resources[logicalId];
  if (found === undefined) {
    throw new Error(
      `the template has no resource '${logicalId}'; it has ${Object.keys(template.Resources).join(', ')}`,
    );
  }
  return found;
}

/** Returns [logicalId, resource] for every resource of one type. */
export function resourcesOfType(
  template: CfnTemplate,
  type: string,
): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, entry]) => entry.Type === type);
}
