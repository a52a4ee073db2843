#!/usr/bin/env bash
# The generation service's command: installs what is missing (pnpm, the locked dependencies), then runs
# `serve` (the HTTP API, its queue and local workers) or `worker` (one per machine or GPU) from source,
# e.g. `bash apps/service/scripts/service.sh serve`. Relative paths are taken from the folder it is run in.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
bash "$root/scripts/bootstrap.sh"
# node replaces this shell, so that SIGINT/SIGTERM reach the service, which stops its workers and its
# private redis-server; tsx resolves from apps/service, so node starts there and MAV_CWD keeps the caller's folder.
export MAV_CWD="$PWD"
cd "$root/apps/service"
exec node --conditions=@mav/source --import tsx src/main.ts "$@"
