"""The training loop every stage shares: AdamW, EMA weights, checkpoint/resume, a JSONL loss log, and
multi-process data parallelism through torch.distributed (torchrun; gloo on CPU)."""

from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from .runtime import configure_threads


@dataclass
class TrainOptions:
    out: str
    steps: int
    batch: int
    lr: float = 2e-4
    ema_decay: float = 0.999
    checkpoint_every: int = 500
    log_every: int = 10
    seed: int = 0
    grad_clip: float = 1.0
    # constant lr up to this step, then linear decay to 0 at `steps` (warmup-stable-decay); None: constant
    lr_decay_from: int | None = None
    # (parameter-name prefix, lr multiplier): those parameters train at the scaled rate (first match wins)
    lr_scales: tuple[tuple[str, float], ...] = ()


def parameter_groups(model: nn.Module, options: TrainOptions) -> list[dict]:
    """AdamW's parameter groups: one per lr multiplier of `options.lr_scales` (`lr_scale` 1 for the rest),
    trainable parameters only, in the model's order; one group when there are no scales."""
    groups: dict[float, list[nn.Parameter]] = {}
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        scale = next((value for prefix, value in options.lr_scales if name.startswith(prefix)), 1.0)
        groups.setdefault(scale, []).append(parameter)
    return [{"params": params, "lr_scale": scale} for scale, params in groups.items()]


def learning_rate(options: TrainOptions, step: int) -> float:
    """The lr of `step`: `options.lr`, or after `lr_decay_from` a linear ramp down to 0 at `options.steps`.
    A function of the step alone, so a resumed run follows the same schedule."""
    decay_from = options.lr_decay_from
    if decay_from is None or step < decay_from or options.steps <= decay_from:
        return options.lr
    return options.lr * (options.steps - step) / (options.steps - decay_from)


class Distributed:
    """Rank and world size from torchrun's environment (1 process when absent)."""

    def __init__(self):
        self.world_size = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        if self.world_size > 1 and not dist.is_initialized():
            dist.init_process_group("gloo")

    @property
    def main(self) -> bool:
        return self.rank == 0

    def wrap(self, model: nn.Module) -> nn.Module:
        if self.world_size > 1:
            return nn.parallel.DistributedDataParallel(model)
        return model

    def mean(self, value: float) -> float:
        if self.world_size == 1:
            return value
        tensor = torch.tensor([value], dtype=torch.float64)
        dist.all_reduce(tensor)
        return float(tensor.item()) / self.world_size

    def barrier(self) -> None:
        if self.world_size > 1:
            dist.barrier()


class Ema:
    """Exponential moving average of the parameters (and a copy of the buffers)."""

    def __init__(self, model: nn.Module, decay: float):
        self.decay = decay
        self.model = copy.deepcopy(model).eval()
        for parameter in self.model.parameters():
            parameter.requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module, step: int) -> None:
        # warm-up: a short run's EMA should not be dominated by the initial weights
        decay = min(self.decay, (1 + step) / (10 + step))
        for ema, live in zip(self.model.parameters(), model.parameters()):
            ema.mul_(decay).add_(live.detach(), alpha=1 - decay)


def train(model: nn.Module, loss_fn, options: TrainOptions, describe: dict) -> dict:
    """Trains `model` with `loss_fn(model, step, rank, world_size) -> loss` for `options.steps` steps (resuming
    from `out/checkpoint.pt` when present). Returns {'model', 'ema', 'losses', 'secondsPerStep'}."""
    configure_threads()
    distributed = Distributed()
    torch.manual_seed(options.seed + distributed.rank)
    os.makedirs(options.out, exist_ok=True)
    ema = Ema(model, options.ema_decay)
    groups = parameter_groups(model, options)
    trainable = [parameter for group in groups for parameter in group["params"]]
    optimizer = torch.optim.AdamW(groups, lr=options.lr, weight_decay=0.0)
    checkpoint_path = os.path.join(options.out, "checkpoint.pt")
    log_path = os.path.join(options.out, "log.jsonl")
    start = 0
    if os.path.exists(checkpoint_path):
        state = torch.load(checkpoint_path)
        model.load_state_dict(state["model"])
        ema.model.load_state_dict(state["ema"])
        if len(state["optimizer"]["param_groups"]) != len(groups):
            raise ValueError(f"{checkpoint_path} was trained with {len(state['optimizer']['param_groups'])} lr "
                             f"group(s), this run has {len(groups)} (lr_scales {options.lr_scales})")
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["rng"])
        start = state["step"]
    wrapped = distributed.wrap(model)
    losses: list[float] = []
    timings: list[float] = []

    def save(step: int) -> None:
        if not distributed.main:
            return
        state = {"model": model.state_dict(), "ema": ema.model.state_dict(), "optimizer": optimizer.state_dict(),
                 "rng": torch.get_rng_state(), "step": step, "describe": describe}
        torch.save(state, checkpoint_path + ".tmp")
        os.replace(checkpoint_path + ".tmp", checkpoint_path)

    with open(log_path, "a") as log:
        for step in range(start, options.steps):
            began = time.perf_counter()
            for group in optimizer.param_groups:  # set every step: a checkpoint's saved lr does not apply
                group["lr"] = learning_rate(options, step) * group["lr_scale"]
            loss = loss_fn(wrapped, step, distributed.rank, distributed.world_size)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if options.grad_clip:
                torch.nn.utils.clip_grad_norm_(trainable, options.grad_clip)
            optimizer.step()
            ema.update(model, step)
            seconds = time.perf_counter() - began
            value = distributed.mean(float(loss.detach()))
            losses.append(value)
            timings.append(seconds)
            if distributed.main and (step % options.log_every == 0 or step == options.steps - 1):
                log.write(json.dumps({"step": step, "loss": value, "seconds": round(seconds, 4),
                                      "lr": learning_rate(options, step)}) + "\n")
                log.flush()
            if (step + 1) % options.checkpoint_every == 0:
                save(step + 1)
    save(options.steps)
    distributed.barrier()
    # the first steps include allocator warm-up: time the rest
    steady = timings[2:] if len(timings) > 4 else timings
    return {"model": model, "ema": ema.model, "losses": losses,
            "secondsPerStep": sum(steady) / max(len(steady), 1), "rank": distributed.rank}
