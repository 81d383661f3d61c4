#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what it needs (Node 24 from the npm registry
# when the machine's Node is older than 22, pnpm 10, the workspace), then checks types, lint and
# import cycles, and runs the unit and integration tests against real Redis, s3rver, the
# simulator and real HTTP. Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh

echo "== typecheck"
pnpm exec turbo run typecheck --output-logs=errors-only
echo "== lint"
pnpm exec biome ci --reporter=summary .
echo "== import cycles"
pnpm exec madge --circular --extensions ts --ts-config tooling/typescript/tsconfig.base.json packages apps test >/dev/null \
  || { pnpm exec madge --circular --extensions ts packages apps test; exit 1; }
echo "== tests"
pnpm exec vitest run "$@"
