"""Seconds per training step of every stage at the default sizes and batches (fwd + bwd + AdamW + data):
`python3 -m mav_train.bench --clip DIR [--steps N]` prints one JSON line per stage and a projection."""

from __future__ import annotations

import argparse
import json
import os
import tempfile

from .stages import run_stage

# stage, batch, planned steps of the full training (README)
PLAN = [
    ("clip", 64, 12000), ("prior", 64, 6000), ("decoder", 16, 20000), ("decoder_video", 2, 5000),
    ("interpolation", 2, 3000), ("sr_low_image", 8, 6000), ("sr_low_video", 1, 2000), ("sr_high", 4, 6000),
]


def main() -> None:
    parser = argparse.ArgumentParser(prog="mav_train.bench")
    parser.add_argument("--clip", required=True, help="a trained clip stage folder (decoders need its towers)")
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    total = 0.0
    rows = []
    for stage, batch, planned in PLAN:
        with tempfile.TemporaryDirectory() as folder:
            result = run_stage(stage, os.path.join(folder, stage), "default", args.steps, batch, 1e-4,
                               clip_dir=args.clip, random_init=True, checkpoint_every=10_000)
        hours = result["secondsPerStep"] * planned / 3600
        total += hours
        rows.append({"stage": stage, "batch": batch, "secondsPerStep": round(result["secondsPerStep"], 3),
                     "plannedSteps": planned, "hours": round(hours, 2)})
        print(json.dumps(rows[-1]), flush=True)
    print(json.dumps({"totalHours": round(total, 2), "load": os.getloadavg()}), flush=True)


if __name__ == "__main__":
    main()
