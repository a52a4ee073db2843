"""A smoke-trained cascade: every stage at the tiny sizes for a few steps, then exported. Seconds on a CPU;
for end-to-end tests of the export against @mav/cascade (the weights have moved off their initialisation,
so conditioning, temporal layers and the extra input channels all act on the output)."""

from __future__ import annotations

import os

from .export import export_cascade
from .stages import run_stage

# (stage, batch, --clip, --init)
_PLAN = (
    ("clip", 8, None, None),
    ("prior", 8, "clip", None),
    ("decoder", 4, "clip", None),
    ("decoder_video", 1, "clip", "decoder"),
    ("interpolation", 1, "clip", "decoder_video"),
    ("sr_low_image", 2, None, None),
    ("sr_low_video", 1, None, "sr_low_image"),
    ("sr_high", 2, None, None),
)


def smoke_cascade(out: str, steps: int = 8, seed: int = 0) -> dict:
    """Trains every stage `steps` steps at the tiny sizes under `out/runs`, exports to `out/cascade`."""
    runs = os.path.join(out, "runs")
    for stage, batch, clip, init in _PLAN:
        run_stage(stage, os.path.join(runs, stage), "tiny", steps, batch, 2e-3,
                  clip_dir=os.path.join(runs, clip) if clip else None,
                  init_dir=os.path.join(runs, init) if init else None,
                  ema_decay=0.5, checkpoint_every=steps, seed=seed)
    return export_cascade(runs, os.path.join(out, "cascade"), "tiny")
