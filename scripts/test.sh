#!/usr/bin/env bash
# The project's one test command: format and lint, type check, build, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npx biome check .
npx tsc --noEmit -p tsconfig.json
node scripts/build.mjs
npx vitest run "$@"
