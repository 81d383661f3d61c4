#!/usr/bin/env bash
# `reelay demo` from a fresh clone: installs what it needs, then runs the whole pipeline on an
# embedded default (simulator, s3rver, verifying webhook receiver; Redis from REDIS_URL, or a
# redis-server it starts). Extra arguments go to the demo (e.g. --rounds 3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
exec node apps/cli/src/main.ts demo "$@"
