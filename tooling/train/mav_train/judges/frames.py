"""Frames the classifier is trained and evaluated on, brought to its input exactly as @mav/quality brings a
stage's frames: 8-bit, area-averaged to `FRAME_SIZE`², then the object-centred crop (`locate.py`).

Training frames cover every (shape, colour) pair of the world, held-out pairs included: the judges are
measuring instruments and must recognise a purple circle when the cascade draws one. They come from their own
seed domain (never the world's train or eval seeds); sizes are the world's three radii ± 10 % (so that video
frames, whose radii vary, fall to the nearest size); positions reach the edge margin videos use (1.05 r);
each frame is rendered at 32², 64² or 128². Evaluation frames are the world's own eval-split stills
(`image_spec(seed, "eval")`).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..world import BACKGROUNDS, COLOURS, SHAPES, SIZES, ShapeObject, image_spec, render, render_image
from .locate import CROP_SIZE, crop, locate
from .network import FRAME_SIZE, LABELS

_TRAIN_DOMAIN = 0x1D6E  # seed domain of the judges' training frames
RESOLUTIONS = (32, 64, 128)
# training crops are 2 pixels wider: a random CROP_SIZE² window of them moves the centre by up to ±1 pixel,
# as the locator's centroid moves on imperfect frames
TRAIN_CROP = CROP_SIZE + 2


def quantise(images: np.ndarray) -> np.ndarray:
    """[0, 1] → uint8 (round half up), how the harness stores every video."""
    return np.floor(np.clip(images, 0, 1) * 255 + 0.5).astype(np.uint8)


def judge_frames(images: np.ndarray) -> np.ndarray:
    """`[n 3 s s]` in [0, 1] (s a multiple of 32) → 8-bit, then area-averaged `[n 3 32 32]` float in [0, 1]."""
    pixels = torch.from_numpy(quantise(images).astype(np.float32) / 255)
    if pixels.shape[-1] != FRAME_SIZE:
        pixels = F.interpolate(pixels, size=(FRAME_SIZE, FRAME_SIZE), mode="area")
    return pixels.numpy()


def judge_crops(frames: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """`[n 3 32 32]` in [0, 1] → the crops `[n 3 size size]` centred on each frame's located object."""
    crops = np.empty((frames.shape[0], 3, size, size), dtype=np.float32)
    for index, frame in enumerate(frames):
        _, x, y, _ = locate(frame)
        crops[index] = crop(frame, x, y, size)
    return crops


def to_judge_input(images: np.ndarray) -> torch.Tensor:
    """Rendered frames `[n 3 s s]` in [0, 1] → the classifier's input `[n 3 24 24]` in [−1, 1]."""
    return torch.from_numpy(judge_crops(judge_frames(images))) * 2 - 1


def label_row(shape: str, colour: str, size: str, background: str) -> list[int]:
    """Class indices in `LABELS` order (shape, colour, size, background)."""
    return [LABELS["shape"].index(shape), LABELS["colour"].index(colour), LABELS["size"].index(size),
            LABELS["background"].index(background)]


def training_frame(seed: int) -> tuple[np.ndarray, list[int]]:
    """One training crop (`[3 26 26]` in [0, 1]) and its labels, a pure function of `seed`."""
    rng = np.random.Generator(np.random.Philox(key=[_TRAIN_DOMAIN, int(seed)]))
    shape = SHAPES[rng.integers(len(SHAPES))]
    colour = tuple(COLOURS)[rng.integers(len(COLOURS))]
    size = tuple(SIZES)[rng.integers(len(SIZES))]
    background = tuple(BACKGROUNDS)[rng.integers(len(BACKGROUNDS))]
    radius = SIZES[size] * float(rng.uniform(0.9, 1.1))
    margin = radius * 1.05
    x, y = (float(v) for v in rng.uniform(margin, 1 - margin, size=2))
    angle = float(rng.uniform(-0.35, 0.35))
    resolution = RESOLUTIONS[rng.choice(3, p=[0.4, 0.3, 0.3])]
    image = render([ShapeObject(shape, COLOURS[colour], x, y, radius, angle)], background, resolution)
    return judge_crops(judge_frames(image[None]), TRAIN_CROP)[0], label_row(shape, colour, size, background)


def training_set(count: int, first_seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` training crops → (uint8 `[n 3 26 26]`, int64 labels `[n 4]`); stored as bytes to stay small."""
    crops = np.empty((count, 3, TRAIN_CROP, TRAIN_CROP), dtype=np.uint8)
    labels = np.empty((count, 4), dtype=np.int64)
    for index in range(count):
        frame, label = training_frame(first_seed + index)
        crops[index] = quantise(frame)
        labels[index] = label
    return torch.from_numpy(crops), torch.from_numpy(labels)


def augment(crops: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """uint8 training crops → `[b 3 24 24]` in [−1, 1]: a random 24² window (±1 pixel of centring error),
    Gaussian pixel noise (σ up to 0.06 of the range) and a small colour offset per crop and channel (±0.03):
    generated frames are never exactly clean renders."""
    count = crops.shape[0]
    shifts = torch.randint(0, TRAIN_CROP - CROP_SIZE + 1, (count, 2), generator=generator)
    windows = torch.stack([crops[i, :, dy : dy + CROP_SIZE, dx : dx + CROP_SIZE]
                           for i, (dy, dx) in enumerate(shifts.tolist())])
    pixels = windows.to(torch.float32) / 255
    sigma = torch.rand(count, 1, 1, 1, generator=generator) * 0.06
    offset = (torch.rand(count, 3, 1, 1, generator=generator) - 0.5) * 0.06
    pixels = pixels + sigma * torch.randn(pixels.shape, generator=generator) + offset
    return pixels.clamp(0, 1) * 2 - 1


def evaluation_set(count: int, resolution: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The world's eval-split stills `0 … count−1` rendered at `resolution`, as classifier input and labels."""
    specs = [image_spec(seed, "eval") for seed in range(count)]
    images = np.stack([render_image(spec, resolution) for spec in specs])
    labels = torch.tensor([label_row(s.shape, s.colour, s.size, s.background) for s in specs], dtype=torch.int64)
    return to_judge_input(images), labels
