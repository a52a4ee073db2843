"""Training, evaluation and export of the attribute classifier.

    python3 -m mav_train.judges train --out ../quality/judges [--count 24000] [--steps 3000] [--seed 0]

writes `judge.safetensors` (float32, the tensor names of `network.py`) and `judge.json` (config, labels, how
it was trained, and its accuracy per attribute on the world's eval-split stills at 32², 64² and 128²).
"""

from __future__ import annotations

import json
import math
import os
import time

import torch
import torch.nn.functional as F

from ..runtime import configure_threads
from ..safetensors_io import save_safetensors
from .frames import RESOLUTIONS, augment, evaluation_set, training_set
from .network import ATTRIBUTES, Judge, folded_judge, judge_config

JUDGE_FORMAT = "mav-judge"


def accuracy(model: Judge, pixels: torch.Tensor, labels: torch.Tensor, batch: int = 500) -> dict[str, float]:
    """Share of frames whose argmax matches the label, per attribute."""
    correct = torch.zeros(len(ATTRIBUTES))
    model.eval()
    with torch.no_grad():
        for start in range(0, pixels.shape[0], batch):
            _, logits = model(pixels[start : start + batch])
            for index, name in enumerate(ATTRIBUTES):
                correct[index] += (logits[name].argmax(-1) == labels[start : start + batch, index]).sum()
    return {name: round(float(correct[index]) / pixels.shape[0], 4) for index, name in enumerate(ATTRIBUTES)}


def train_judge(out: str, count: int = 24000, steps: int = 3000, batch: int = 64, lr: float = 3e-3,
                seed: int = 0, eval_count: int = 2000, log=print) -> dict:
    """Renders `count` training frames, trains `steps` AdamW steps (cosine learning rate), evaluates on
    `eval_count` eval-split stills per resolution and writes the judge to `out`."""
    threads = configure_threads()
    torch.manual_seed(seed)
    started = time.time()
    frames, labels = training_set(count, first_seed=seed * 10_000_019)
    render_seconds = time.time() - started
    model = Judge()
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    generator = torch.Generator().manual_seed(seed)
    losses = []
    model.train()
    for step in range(steps):
        for group in optimiser.param_groups:
            group["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / steps))
        index = torch.randint(0, count, (batch,), generator=generator)
        _, logits = model(augment(frames[index], generator))
        loss = sum(F.cross_entropy(logits[name], labels[index, column]) for column, name in enumerate(ATTRIBUTES))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(float(loss))
        if step % 250 == 0 or step == steps - 1:
            log(json.dumps({"step": step, "loss": round(float(loss), 4), "seconds": round(time.time() - started, 1)}))
    train_seconds = time.time() - started - render_seconds
    state = model.eval().folded_state_dict()
    model = folded_judge(state)
    results = {}
    for resolution in RESOLUTIONS:
        pixels, truth = evaluation_set(eval_count, resolution)
        results[str(resolution)] = accuracy(model, pixels, truth)
    os.makedirs(out, exist_ok=True)
    save_safetensors(state, os.path.join(out, "judge.safetensors"), {"format": "pt"})
    description = {
        "format": JUDGE_FORMAT,
        "version": 1,
        "config": judge_config(),
        "parameters": sum(t.numel() for t in state.values()),
        "training": {
            "command": f"python3 -m mav_train.judges train --out OUT --count {count} --steps {steps} --batch {batch} "
                       f"--lr {lr} --seed {seed}",
            "frames": count, "steps": steps, "batch": batch, "seed": seed, "threads": threads,
            "renderSeconds": round(render_seconds, 1), "trainSeconds": round(train_seconds, 1),
            "firstLoss": round(sum(losses[:20]) / min(20, len(losses)), 4),
            "lastLoss": round(sum(losses[-20:]) / min(20, len(losses)), 4),
        },
        # eval-split stills (`image_spec(seed, "eval")`, seeds 0 … evalCount−1), area-downsampled to 32²
        "evaluation": {"evalCount": eval_count, "accuracy": results},
    }
    with open(os.path.join(out, "judge.json"), "w", encoding="utf-8") as handle:
        json.dump(description, handle, indent=2)
        handle.write("\n")
    return description
