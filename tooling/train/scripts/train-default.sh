#!/usr/bin/env bash
# Trains the default cascade stage by stage (the plan of tooling/train/README.md), each stage resumable:
# re-running the script skips finished stages and resumes the one in progress from its checkpoint.
# Runs and logs go to MAV_RUNS (default: $HOME/mav-runs/default), outside the checkout. Run it in the
# background:  nohup bash tooling/train/scripts/train-default.sh > train.log 2>&1 &
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${MAV_RUNS:-$HOME/mav-runs/default}"
python="${MAV_PYTHON:-/usr/bin/python3}"
export MAV_TORCH_THREADS="${MAV_TORCH_THREADS:-2}"
mkdir -p "$runs"
run() {
  local stage=$1
  shift
  if [ -f "$runs/$stage/DONE" ]; then
    echo "skip $stage (done)"
    return
  fi
  echo "$(date -u +%FT%TZ) start $stage $*"
  "$python" -m mav_train train "$stage" --out "$runs/$stage" "$@" > "$runs/$stage.out" 2>&1
  touch "$runs/$stage/DONE"
  echo "$(date -u +%FT%TZ) done $stage"
}
run clip          --steps 12000 --batch 64 --lr 5e-4
run prior         --steps 6000  --batch 64 --lr 3e-4 --clip "$runs/clip"
run decoder       --steps 20000 --batch 16 --lr 3e-4 --clip "$runs/clip"
run sr_low_image  --steps 6000  --batch 8  --lr 2e-4
run sr_high       --steps 6000  --batch 4  --lr 2e-4
run sr_low_video  --steps 2000  --batch 1  --lr 1e-4 --init "$runs/sr_low_image"
run decoder_video --steps 5000  --batch 2  --lr 1e-4 --clip "$runs/clip" --init "$runs/decoder"
run interpolation --steps 3000  --batch 2  --lr 1e-4 --clip "$runs/clip" --init "$runs/decoder_video"
"$python" -m mav_train export --stages "$runs" --out "$runs/cascade"
echo "$(date -u +%FT%TZ) all done: $runs/cascade"
