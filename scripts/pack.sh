#!/usr/bin/env bash
# Builds and packs every publishable package (packages/* that are not private) into one
# directory, default .reelay/packages: the tarballs `npm publish` would upload. `pnpm pack`
# turns workspace: and catalog: ranges into versions and swaps in publishConfig's exports
# (dist/ instead of src/). Prints each tarball's path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/bootstrap.sh
dest="$(mkdir -p "${1:-.reelay/packages}" && cd "${1:-.reelay/packages}" && pwd)"
pnpm exec turbo run build --output-logs=errors-only >&2
for dir in packages/*/; do
  [ "$(node -p "require('./${dir}package.json').private === true")" = true ] && continue
  (cd "$dir" && pnpm pack --pack-destination "$dest" | tail -n 1)
done
