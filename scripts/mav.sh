#!/usr/bin/env bash
# The main command of the README: installs what is missing, then runs the `mav` CLI with the arguments given,
# e.g. `bash scripts/mav.sh generate "a red circle bouncing" -o out.mp4`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/bootstrap.sh"
if [ -f "$root/apps/cli/package.json" ]; then
  # node replaces this shell (exec, no pnpm in between), so that a signal sent to this process reaches the
  # CLI, which stops, removes its temporary files and exits 130 (SIGINT) or 143 (SIGTERM). The flags are
  # those of the `mav` script in apps/cli/package.json; tsx resolves from apps/cli, so node starts there and
  # the CLI resolves the user's relative paths against MAV_CWD, the folder this was run from.
  export MAV_CWD="$PWD"
  cd "$root/apps/cli"
  exec node --conditions=@mav/source --import tsx src/main.ts "$@"
fi
echo "mav: not yet available: the cascade (@mav/cascade), the CLI (apps/cli) and the embedded default model are still being built; the foundation packages and their tests are ready (bash scripts/test.sh)." >&2
exit 69
