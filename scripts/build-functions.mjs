// Bundles each Lambda function with esbuild and packs it into a reproducible zip that
// serverless.yml names as the function's package.artifact.
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeZip } from './package-zip.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Output folder of the zips; serverless.yml reads `.esbuild/<name>.zip`. */
export const FUNCTIONS_OUT_DIR = join(ROOT, '.esbuild');

/**
 * The Lambda functions: name (as in serverless.yml) and entry module. Each bundle is one
 * `index.mjs` exporting `handler`, so serverless.yml sets `handler: index.handler`.
 */
export const LAMBDA_FUNCTIONS = [
  { name: 'push', entry: 'functions/push/handler.ts' },
  { name: 'rotateCredential', entry: 'functions/rotate-credential/handler.ts' },
  { name: 'checkCredential', entry: 'functions/check-credential/handler.ts' },
];

/**
 * Bundles the named functions (all when `names` is empty) and writes `.esbuild/<name>.zip`.
 * Returns the zip paths relative to the repository root.
 */
export async function buildFunctions(names = []) {
  const selected = LAMBDA_FUNCTIONS.filter(
    (fn) => names.length === 0 || names.includes(fn.name),
  );
  const unknown = names.filter(
    (name) => !LAMBDA_FUNCTIONS.some((fn) => fn.name === name),
  );
  if (unknown.length > 0) {
    throw new Error(
      `no Lambda function named ${unknown.join(', ')}: add it to LAMBDA_FUNCTIONS ` +
        'in scripts/build-functions.mjs',
    );
  }

  const zips = [];
  for (const fn of selected) {
    zips.push(await buildOne(fn));
  }
  return zips;
}

async function buildOne(fn) {
  const entry = join(ROOT, fn.entry);
  if (!existsSync(entry)) {
    throw new Error(
      `the entry of Lambda function '${fn.name}' (${fn.entry}) does not exist: ` +
        'write the handler, or remove the function from serverless.yml and LAMBDA_FUNCTIONS',
    );
  }

  const result = await build({
    entryPoints: { index: entry },
    outdir: FUNCTIONS_OUT_DIR,
    outExtension: { '.js': '.mjs' },
    write: false,
    bundle: true,
    platform: 'node',
    // Lambda runs nodejs22.x; node20 output also runs on the development machines.
    target: 'node20',
    format: 'esm',
    // Readable stack traces in CloudWatch without the cold-start cost of source maps.
    keepNames: true,
    legalComments: 'none',
    // The AWS SDK is bundled rather than taken from the runtime, so the version tested
    // here is the version that runs.
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('index.mjs'));
  if (code === undefined) {
    throw new Error(`esbuild produced no index.mjs for Lambda function '${fn.name}'`);
  }

  // Written under a temporary name and renamed, so a build running beside this one
  // (two test files packaging at once) never reads a half-written zip.
  await mkdir(FUNCTIONS_OUT_DIR, { recursive: true });
  const zipPath = join(FUNCTIONS_OUT_DIR, `${fn.name}.zip`);
  const partPath = `${zipPath}.${process.pid}.part`;
  await writeZip(partPath, [{ name: 'index.mjs', data: Buffer.from(code.contents) }]);
  await rename(partPath, zipPath);
  return relative(ROOT, zipPath);
}
