#!/usr/bin/env bash
# The main command of the README: installs what is missing, then runs the `mav` CLI with the arguments given,
# e.g. `bash scripts/mav.sh generate "a red circle bouncing" -o out.mp4`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
if [ -f "$root/apps/cli/package.json" ]; then
  exec pnpm --silent --dir "$root/apps/cli" run mav "$@"
fi
echo "mav: not yet available: the cascade (@mav/cascade), the CLI (apps/cli) and the embedded default model are still being built; the foundation packages and their tests are ready (bash scripts/test.sh)." >&2
exit 69
