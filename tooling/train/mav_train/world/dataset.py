"""The seeded, deterministic shapes world: captioned stills and uncaptioned videos in continuous time.

Every sample is a pure function of (split, kind, seed): the same seed gives the same pixels on every run and
every machine (numpy's Philox bit generator keyed by the seed and a domain tag). Train and evaluation
splits use different domain tags, so their seeds never coincide, and evaluation prompts hold out one
(colour, shape) combination per shape that training never shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .captions import caption
from .shapes import BACKGROUNDS, COLOURS, SHAPES, SIZES, ShapeObject, render

# One (shape, colour) per shape that only the evaluation split uses.
HELD_OUT_COMBINATIONS = frozenset(
    {
        ("circle", "purple"),
        ("square", "cyan"),
        ("triangle", "pink"),
        ("star", "blue"),
        ("ring", "orange"),
        ("heart", "green"),
        ("diamond", "red"),
        ("cross", "yellow"),
    }
)

SPLITS = {"train": 0x7A11, "eval": 0xE7A1}
KINDS = {"image": 1, "video": 2}
MOTIONS = ("linear", "gravity", "rotation", "scale", "two_objects")


def _rng(split: str, kind: str, seed: int) -> np.random.Generator:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {tuple(SPLITS)}, got {split!r}")
    return np.random.Generator(np.random.Philox(key=[SPLITS[split] * 4 + KINDS[kind], int(seed)]))


def _choice(rng: np.random.Generator, options):
    options = tuple(options)
    return options[rng.integers(len(options))]


def _pick_combination(rng: np.random.Generator, split: str) -> tuple[str, str]:
    while True:
        shape, colour = _choice(rng, SHAPES), _choice(rng, COLOURS)
        held_out = (shape, colour) in HELD_OUT_COMBINATIONS
        if split == "eval" or not held_out:
            return shape, colour


@dataclass(frozen=True)
class ImageSpec:
    """A still image: one object over a background, and its caption."""

    shape: str
    colour: str
    size: str
    background: str
    x: float
    y: float
    angle: float
    caption: str

    def objects(self) -> list[ShapeObject]:
        return [ShapeObject(self.shape, COLOURS[self.colour], self.x, self.y, SIZES[self.size], self.angle)]


def image_spec(seed: int, split: str = "train", shape: str | None = None, colour: str | None = None,
               background: str | None = None) -> ImageSpec:
    """The still image of `seed` (optionally forcing the shape, colour and background: evaluation prompts and
    the CLIP stage's hard-negative groups)."""
    rng = _rng(split, "image", seed)
    picked_shape, picked_colour = _pick_combination(rng, split)
    shape = shape or picked_shape
    colour = colour or picked_colour
    size = _choice(rng, SIZES)
    background = background or _choice(rng, BACKGROUNDS)
    radius = SIZES[size]
    margin = radius + 0.03
    x, y = rng.uniform(margin, 1 - margin, size=2)
    # a small tilt keeps every shape recognisable
    angle = float(rng.uniform(-0.35, 0.35))
    return ImageSpec(shape, colour, size, background, float(x), float(y), angle, caption(shape, colour, size, background, rng))


def render_image(spec: ImageSpec, size: int) -> np.ndarray:
    """`[3, size, size]` float32 in [0, 1]."""
    return render(spec.objects(), spec.background, size)


def _fold(value: float, low: float, high: float) -> float:
    """Reflects `value` into [low, high]: motion in a box with elastic bounces at the walls."""
    span = high - low
    if span <= 0:
        return low
    u = (value - low) % (2 * span)
    return low + (2 * span - u if u > span else u)


@dataclass(frozen=True)
class MovingObject:
    shape: str
    colour: str
    radius: float
    x: float
    y: float
    vx: float
    vy: float
    angle: float
    angular_velocity: float
    # growth: radius · (1 + amplitude · sin(2π t / period + phase))
    scale_amplitude: float
    scale_period: float
    scale_phase: float


@dataclass(frozen=True)
class VideoSpec:
    """An uncaptioned clip: objects whose state is an analytic function of continuous time (seconds)."""

    motion: str
    background: str
    objects: tuple[MovingObject, ...]
    gravity: float
    # gravity bounce: drop height and phase
    drop_height: float
    drop_phase: float

    def at(self, time: float) -> list[ShapeObject]:
        """The scene at `time` seconds."""
        scene = []
        for obj in self.objects:
            radius = obj.radius * (1 + obj.scale_amplitude * math.sin(2 * math.pi * time / obj.scale_period + obj.scale_phase))
            margin = radius * 1.05
            x = _fold(obj.x + obj.vx * time, margin, 1 - margin)
            if self.motion == "gravity":
                floor = 1 - margin
                period = 2 * math.sqrt(2 * self.drop_height / self.gravity)
                tau = (time + self.drop_phase) % period - period / 2
                y = floor - (self.drop_height - 0.5 * self.gravity * tau * tau)
            else:
                y = _fold(obj.y + obj.vy * time, margin, 1 - margin)
            angle = obj.angle + obj.angular_velocity * time
            scene.append(ShapeObject(obj.shape, COLOURS[obj.colour], x, y, radius, angle))
        return scene


def video_spec(seed: int, split: str = "train") -> VideoSpec:
    """The clip of `seed`: motion type, objects, velocities, all drawn from the seed."""
    rng = _rng(split, "video", seed)
    motion = _choice(rng, MOTIONS)
    background = _choice(rng, BACKGROUNDS)
    count = 2 if motion == "two_objects" else 1
    objects = []
    for _ in range(count):
        shape, colour = _pick_combination(rng, split)
        radius = float(rng.uniform(0.10, 0.22) if count == 1 else rng.uniform(0.09, 0.15))
        speed = float(rng.uniform(0.04, 0.25))
        direction = float(rng.uniform(0, 2 * math.pi))
        moving = motion in ("linear", "two_objects", "gravity")
        objects.append(
            MovingObject(
                shape=shape,
                colour=colour,
                radius=radius,
                x=float(rng.uniform(radius, 1 - radius)),
                y=float(rng.uniform(radius, 1 - radius)),
                vx=speed * math.cos(direction) if moving else 0.0,
                vy=speed * math.sin(direction) if moving and motion != "gravity" else 0.0,
                angle=float(rng.uniform(-0.3, 0.3)),
                angular_velocity=float(rng.choice([-1, 1]) * rng.uniform(0.3, 2.0)) if motion == "rotation" else 0.0,
                scale_amplitude=float(rng.uniform(0.25, 0.45)) if motion == "scale" else 0.0,
                scale_period=float(rng.uniform(2.0, 8.0)),
                scale_phase=float(rng.uniform(0, 2 * math.pi)),
            )
        )
    return VideoSpec(
        motion=motion,
        background=background,
        objects=tuple(objects),
        gravity=float(rng.uniform(0.15, 0.6)),
        drop_height=float(rng.uniform(0.25, 0.55)),
        drop_phase=float(rng.uniform(0, 10)),
    )


def render_clip(spec: VideoSpec, fps: float, num_frames: int, size: int, start: float = 0.0) -> np.ndarray:
    """Samples the continuous-time clip at `fps` frames per second: `[3, num_frames, size, size]` in [0, 1]."""
    if not 0 < fps <= 120:
        raise ValueError(f"fps must be in (0, 120], got {fps}")
    frames = [render(spec.at(start + index / fps), spec.background, size) for index in range(num_frames)]
    return np.stack(frames, axis=1)
