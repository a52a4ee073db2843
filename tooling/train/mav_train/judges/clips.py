"""Real clips of the world with given attributes: what @mav/quality scores in place of generated videos (the
ceiling), and the reference sets its Fréchet distances, flicker and motion statistics compare against.

A reference clip has one object with the prompt's shape, colour, size (the world's exact radius) and
background, moving linearly with elastic bounces or bouncing under gravity: the two motions of the world
that keep every attribute fixed (rotation and growth change how a shape or size reads). Motion, position,
speed and start time are drawn from the clip's seed and `variant` in a seed domain of their own (0: the
stand-in for a generated video, 1 and 2: the two disjoint reference sets). The clip lies in continuous time
(`render_clip`), so the keyframes at `fps` and the interpolated frames at `fps · skip` of one clip agree at
every keyframe.
"""

from __future__ import annotations

import json
import math

import numpy as np
import torch

from ..safetensors_io import save_safetensors
from ..world import BACKGROUNDS, COLOURS, SHAPES, SIZES, image_spec, render, render_clip, render_image
from ..world.dataset import MovingObject, VideoSpec
from .frames import judge_frames, quantise
from .locate import CROP_SIZE, crop, locate

_CLIP_DOMAIN = 0x0C11  # seed domain of the reference clips
REQUESTS_FORMAT = "mav-judge-clips"


def reference_clip(shape: str, colour: str, size: str, background: str, seed: int,
                   variant: int = 0) -> tuple[VideoSpec, float]:
    """The clip (and its start time in seconds) of one (attributes, seed, variant)."""
    for name, table in (("shape", SHAPES), ("colour", COLOURS), ("size", SIZES), ("background", BACKGROUNDS)):
        value = {"shape": shape, "colour": colour, "size": size, "background": background}[name]
        if value not in table:
            raise ValueError(f"{name} must be one of {tuple(table)}, got {value!r}")
    rng = np.random.Generator(np.random.Philox(key=[_CLIP_DOMAIN, int(seed) * 8 + int(variant)]))
    motion = ("linear", "gravity")[rng.integers(2)]
    radius = SIZES[size]
    margin = radius * 1.05
    speed = float(rng.uniform(0.04, 0.25))
    direction = float(rng.uniform(0, 2 * math.pi))
    obj = MovingObject(
        shape=shape, colour=colour, radius=radius,
        x=float(rng.uniform(margin, 1 - margin)), y=float(rng.uniform(margin, 1 - margin)),
        vx=speed * math.cos(direction), vy=speed * math.sin(direction) if motion == "linear" else 0.0,
        angle=float(rng.uniform(-0.3, 0.3)), angular_velocity=0.0,
        scale_amplitude=0.0, scale_period=1.0, scale_phase=0.0,
    )
    # the apex stays inside the frame: floor − height ≥ margin
    spec = VideoSpec(motion=motion, background=background, objects=(obj,), gravity=float(rng.uniform(0.15, 0.6)),
                     drop_height=float(rng.uniform(0.15, 1 - 2.2 * radius)), drop_phase=float(rng.uniform(0, 10)))
    return spec, float(rng.uniform(0, 5))


def clip_frames(spec: VideoSpec, fps: float, num_frames: int, size: int, start: float) -> np.ndarray:
    """`render_clip`, also above its 120 fps bound: the cascade reports fps × frame skip after ↑F (30 × 5 = 150),
    and frame i still lies at `start + i / fps`."""
    if fps <= 120:
        return render_clip(spec, fps, num_frames, size, start)
    return np.stack([render(spec.at(start + index / fps), spec.background, size) for index in range(num_frames)], axis=1)


def _quantise(frames: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(quantise(frames))


def render_requests(requests: dict) -> tuple[dict[str, torch.Tensor], dict]:
    """Renders a request file's entries → (uint8 tensors by key, attributes by key).

    `{"format": "mav-judge-clips", "version": 1, "clips": [{key, shape, colour, size, background, seed, variant,
    fps, numFrames, resolution}], "stills": [{key, seed, resolution, crop?}]}`: clips are `[3 F H W]`, stills are
    the world's eval-split images `[3 H W]` (their attributes come back by key); with `crop`, a still also comes
    with `<key>/crop`, the classifier's float32 input `[3 24 24]` in [0, 1] made from its 8-bit pixels, and the
    locator's result among its attributes (for the parity test of the TypeScript locator and crop)."""
    if requests.get("format") != REQUESTS_FORMAT or requests.get("version") != 1:
        raise ValueError(f"requests must have format {REQUESTS_FORMAT!r} and version 1")
    tensors: dict[str, torch.Tensor] = {}
    attributes: dict[str, dict] = {}
    for entry in requests.get("clips", []):
        spec, start = reference_clip(entry["shape"], entry["colour"], entry["size"], entry["background"],
                                     entry["seed"], entry.get("variant", 0))
        tensors[entry["key"]] = _quantise(clip_frames(spec, float(entry["fps"]), int(entry["numFrames"]),
                                                      int(entry["resolution"]), start))
        attributes[entry["key"]] = {"motion": spec.motion}
    for entry in requests.get("stills", []):
        spec = image_spec(int(entry["seed"]), "eval")
        image = render_image(spec, int(entry["resolution"]))
        tensors[entry["key"]] = _quantise(image)
        attributes[entry["key"]] = {"shape": spec.shape, "colour": spec.colour, "size": spec.size,
                                    "background": spec.background}
        if entry.get("crop"):
            frame = judge_frames(image[None])[0]
            found, x, y, area = locate(frame)
            tensors[f"{entry['key']}/crop"] = torch.from_numpy(crop(frame, x, y, CROP_SIZE))
            attributes[entry["key"]].update({"found": found, "x": x, "y": y, "area": area})
    return tensors, attributes


def write_requests(requests_path: str, out_path: str) -> int:
    """`clips` command: reads the request JSON, writes the safetensors (attributes in its metadata)."""
    with open(requests_path, encoding="utf-8") as handle:
        requests = json.load(handle)
    tensors, attributes = render_requests(requests)
    save_safetensors(tensors, out_path, {"attributes": json.dumps(attributes, sort_keys=True)})
    return len(tensors)
