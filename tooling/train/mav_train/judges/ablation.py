"""The paper's ablation of the temporal layers' initialisation: D^t fine-tuned on video from the image
decoder D with its temporal layers initialised as the identity (the paper's function-preserving start, what
`decoder_video` does) or at random (PyTorch's default initialisation of a new layer), everything else equal:
the same image weights, seed, data (a function of the step) and steps. @mav/quality reads the two training
logs (`quality --ablation DIR`) and reports the loss after the same number of steps.

    python3 -m mav_train.judges ablation --out DIR [--steps 300] [--size tiny] [--clip C --init D]

Without `--clip`/`--init` it first trains a tiny CLIP and image decoder (`--image-steps`) under `DIR/runs`.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

import torch

from .. import stages
from ..models.unet import UNet


def random_temporal_state(image_state: dict[str, torch.Tensor], video_config: dict, seed: int = 0) -> dict[str, torch.Tensor]:
    """The video UNet's weights with the image weights copied by name and every other (temporal) parameter at
    PyTorch's default initialisation for a freshly built layer (seeded)."""
    torch.manual_seed(seed)
    state = UNet(video_config).state_dict()
    for name in state:
        if name in image_state:
            state[name] = image_state[name].clone()
    return state


@contextmanager
def _random_temporal_inflation():
    # run_stage inflates D into D^t through stages.inflate_state_dict; the random arm swaps it for the call
    original = stages.inflate_state_dict
    stages.inflate_state_dict = random_temporal_state
    try:
        yield
    finally:
        stages.inflate_state_dict = original


def run_ablation(out: str, steps: int = 300, size: str = "tiny", clip_dir: str | None = None,
                 init_dir: str | None = None, image_steps: int = 300, batch: int = 2, lr: float = 1e-4,
                 seed: int = 0) -> dict:
    """Trains both arms for `steps` steps into `out/identity` and `out/random`; returns a summary."""
    if (clip_dir is None) != (init_dir is None):
        raise ValueError("give both --clip and --init, or neither")
    if clip_dir is None:
        runs = os.path.join(out, "runs")
        clip_dir, init_dir = os.path.join(runs, "clip"), os.path.join(runs, "decoder")
        stages.run_stage("clip", clip_dir, size, image_steps, 32, 2e-3, checkpoint_every=image_steps, seed=seed)
        stages.run_stage("decoder", init_dir, size, image_steps, 8, 2e-3, clip_dir=clip_dir,
                         checkpoint_every=image_steps, seed=seed)
    arms = {}
    for arm in ("identity", "random"):
        folder = os.path.join(out, arm)
        if arm == "random":
            with _random_temporal_inflation():
                result = stages.run_stage("decoder_video", folder, size, steps, batch, lr, clip_dir=clip_dir,
                                          init_dir=init_dir, checkpoint_every=steps, seed=seed)
        else:
            result = stages.run_stage("decoder_video", folder, size, steps, batch, lr, clip_dir=clip_dir,
                                      init_dir=init_dir, checkpoint_every=steps, seed=seed)
        losses = result["losses"]
        arms[arm] = {"log": os.path.join(arm, "log.jsonl"), "firstLoss": losses[0], "lastLoss": losses[-1]}
    summary = {"format": "mav-ablation", "version": 1, "steps": steps, "size": size, "seed": seed, "arms": arms}
    with open(os.path.join(out, "ablation.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, indent=2)
        handle.write("\n")
    return summary
