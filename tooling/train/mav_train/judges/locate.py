"""The object locator and the object-centred crop the classifier reads, in numpy: the same computation as
`tooling/quality/src/metrics/object-locator.ts` and `src/judge/object-crop.ts` (a parity test compares them).

Locator: each row's background is the median of the six border pixels of that row and its neighbours (left
and right columns), per channel (the world's backgrounds are constant along rows, objects keep off the side
edges); a pixel's weight as object rises linearly from 0 at RGB distance 0.1 from it to 1 at 0.3; the
centroid is the weighted mean of pixel centres (image units), the area the mean weight; below an area of
0.002 there is no object and the centre of the frame stands in.

Crop: `CROP_SIZE`² pixels centred on the centroid at the frame's own scale, bilinear between pixel centres,
indices clamped at the edges (edge pixels repeat).
"""

from __future__ import annotations

import numpy as np

THRESHOLD = 0.2
RAMP = 0.15
MINIMUM_AREA = 0.002
CROP_SIZE = 24


def locate(frame: np.ndarray) -> tuple[bool, float, float, float]:
    """`[3 H W]` in [0, 1] → (found, x, y, area), x and y in image units."""
    _, height, width = frame.shape
    background = np.empty((3, height))
    for y in range(height):
        rows = slice(max(0, y - 1), min(height - 1, y + 1) + 1)
        border = np.concatenate([frame[:, rows, 0], frame[:, rows, width - 1]], axis=1)
        background[:, y] = np.median(border, axis=1)
    distance = np.sqrt(((frame - background[:, :, None]) ** 2).sum(axis=0))
    weight = np.clip((distance - THRESHOLD) / RAMP, 0.0, 1.0)
    total = float(weight.sum())
    area = total / (height * width)
    if area < MINIMUM_AREA:
        return False, 0.5, 0.5, area
    xs = (np.arange(width) + 0.5) / width
    ys = (np.arange(height) + 0.5) / height
    return True, float((weight * xs[None, :]).sum() / total), float((weight * ys[:, None]).sum() / total), area


def crop(frame: np.ndarray, x: float, y: float, size: int = CROP_SIZE) -> np.ndarray:
    """`[3 H W]` → `[3 size size]` centred on (x, y) (image units), bilinear, edges repeated."""
    _, height, width = frame.shape
    offsets = np.arange(size) - size / 2 + 0.5
    # continuous pixel coordinates of the samples (pixel centres at integers)
    sample_x = x * width + offsets - 0.5
    sample_y = y * height + offsets - 0.5
    x0 = np.floor(sample_x).astype(np.int64)
    y0 = np.floor(sample_y).astype(np.int64)
    fx = sample_x - x0
    fy = sample_y - y0
    xa, xb = np.clip(x0, 0, width - 1), np.clip(x0 + 1, 0, width - 1)
    ya, yb = np.clip(y0, 0, height - 1), np.clip(y0 + 1, 0, height - 1)
    top = frame[:, ya][:, :, xa] * (1 - fx) + frame[:, ya][:, :, xb] * fx
    bottom = frame[:, yb][:, :, xa] * (1 - fx) + frame[:, yb][:, :, xb] * fx
    return (top * (1 - fy[:, None]) + bottom * fy[:, None]).astype(np.float32)


def object_crop(frame: np.ndarray, size: int = CROP_SIZE) -> np.ndarray:
    """The classifier's input for one frame `[3 H W]` in [0, 1]: the crop centred on the located object."""
    _, x, y, _ = locate(frame)
    return crop(frame, x, y, size)
