#!/usr/bin/env bash
# Trains the default cascade stage by stage (the plan of tooling/train/README.md), each stage resumable:
# re-running the script skips finished stages and resumes the one in progress from its checkpoint.
# MAV_PLAN=quick trains the shorter plan (the second column of steps) at a constant learning rate; the full
# plan keeps that rate up to the quick plan's step count and then decays it linearly to 0 at its own count
# (warmup-stable-decay), so a later run of the full plan resumes every stage from where the quick plan left
# it (the schedule and the data are functions of the step: that equals one full run). After each stage the cascade so far is exported to
# $runs/cascade (untrained stages listed under `missing`).
# Runs and logs go to MAV_RUNS (default: $HOME/mav-runs/default), outside the checkout. Run it in the
# background:  nohup bash tooling/train/scripts/train-default.sh > train.log 2>&1 &
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${MAV_RUNS:-$HOME/mav-runs/default}"
python="${MAV_PYTHON:-/usr/bin/python3}"
plan="${MAV_PLAN:-full}"
export MAV_TORCH_THREADS="${MAV_TORCH_THREADS:-2}"
mkdir -p "$runs"
case "$plan" in full | quick) ;; *) echo "MAV_PLAN must be full or quick, got '$plan'" >&2; exit 2 ;; esac
run() {
  local stage=$1 full=$2 quick=$3
  shift 3
  local steps=$full decay=()
  [ "$plan" = quick ] && steps=$quick
  [ "$plan" = full ] && [ "$full" -gt "$quick" ] && decay=(--lr-decay-from "$quick")
  # DONE holds the step count the stage was trained to (an empty one predates that: the full plan).
  if [ -f "$runs/$stage/DONE" ]; then
    local done_steps
    done_steps=$(cat "$runs/$stage/DONE")
    if [ "${done_steps:-$full}" -ge "$steps" ]; then
      echo "skip $stage (trained to ${done_steps:-$full} steps)"
      return
    fi
  fi
  echo "$(date -u +%FT%TZ) start $stage --steps $steps ${decay[*]} $*"
  "$python" -m mav_train train "$stage" --out "$runs/$stage" --steps "$steps" "${decay[@]}" "$@" >> "$runs/$stage.out" 2>&1
  echo "$steps" > "$runs/$stage/DONE"
  echo "$(date -u +%FT%TZ) done $stage ($steps steps)"
  "$python" -m mav_train export --stages "$runs" --out "$runs/cascade" >> "$runs/export.out" 2>&1
}
#   stage         full   quick
run clip          12000  12000 --batch 64 --lr 5e-4
run prior         6000   6000  --batch 64 --lr 3e-4 --clip "$runs/clip"
run decoder       20000  12000 --batch 16 --lr 3e-4 --clip "$runs/clip"
# SR and ↑F sample residuals (stages.py); at 800 steps of SR_l, lr 2e-4 / 6e-4 / 1.5e-3 reached 26.5 / 30.4 /
# 32.8 dB on held-out stills, and at 300 steps of ↑F, 5e-4 reached 29.7 dB (1.5e-3: 29.1)
run sr_low_image  6000   3000  --batch 8  --lr 1.5e-3
run sr_low_video  2000   600   --batch 1  --lr 5e-4 --init "$runs/sr_low_image"
# ↑F starts from D^t at the quick plan's 2,000 steps; D^t's longer run comes last, so that the stages that
# gained most from more steps (measured by tooling/quality) are trained first
run decoder_video 2000   2000  --batch 2  --lr 1e-4 --clip "$runs/clip" --init "$runs/decoder"
run interpolation 3000   1000  --batch 2  --lr 5e-4 --clip "$runs/clip" --init "$runs/decoder_video"
run sr_high       5000   3000  --batch 4  --lr 1.5e-3
run decoder_video 5000   2000  --batch 2  --lr 1e-4 --clip "$runs/clip" --init "$runs/decoder"
echo "$(date -u +%FT%TZ) all done ($plan plan): $runs/cascade"
