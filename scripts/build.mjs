// Bundles the CLI (and later the Lambda functions) with esbuild for Node 20.
// better-sqlite3 is a native addon, so it stays an external package.
import { build } from 'esbuild';

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
