#!/usr/bin/env bash
# `pnpm reelay <command>` / `npm run reelay -- <command>`: the CLI with Node >= 22 guaranteed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/bootstrap.sh"
exec node "$root/apps/cli/src/main.ts" "$@"
