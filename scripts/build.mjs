// Bundles the CLI and the Lambda functions with esbuild for Node 20.
// better-sqlite3 is a native addon, so it stays an external package.
import { build } from 'esbuild';
import { buildFunctions } from './build-functions.mjs';

await build({
  entryPoints: { xaps: 'cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  external: ['better-sqlite3'],
  banner: {
    // Bundled CommonJS dependencies call require(); ESM output needs one made for it.
    js: "#!/usr/bin/env node\nimport { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// One reproducible zip per function in .esbuild/, the artifacts serverless.yml deploys.
await buildFunctions();
