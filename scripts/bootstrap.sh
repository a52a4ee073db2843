#!/usr/bin/env bash
# Installs what the workspace needs on a fresh machine that has Node.js 20+ and npm: pnpm (the version
# pinned in package.json) and the locked dependencies. Safe to run again; it only does what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pinned="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pinned" ]; then
  echo "bootstrap: installing pnpm ${pinned}" >&2
  # corepack needs COREPACK_INTEGRITY_KEYS=0 on machines without the signing keys; npm is simpler.
  npm install --global --no-fund --no-audit "pnpm@${pinned}" >&2
fi

if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  echo "bootstrap: installing dependencies" >&2
  pnpm install --frozen-lockfile >&2
fi
