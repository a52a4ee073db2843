"""Anti-aliased shape rendering from signed distance functions.

Every shape is an exact (or near-exact) signed distance function in the object's own frame, where the
object has unit "radius". Coverage of a pixel is `clip(0.5 - d / pixel, 0, 1)` with `d` the distance in
pixels, which anti-aliases edges analytically at any resolution. Because the scene is described in
continuous image coordinates (x, y in [0, 1), y down), the same scene renders consistently at 32, 64 or
128 pixels, and at any instant of continuous time for videos.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SHAPES = ("circle", "square", "triangle", "star", "ring", "heart", "diamond", "cross")

COLOURS = {
    "red": (0.90, 0.12, 0.12),
    "orange": (0.98, 0.55, 0.08),
    "yellow": (0.97, 0.90, 0.10),
    "green": (0.13, 0.75, 0.20),
    "cyan": (0.10, 0.85, 0.90),
    "blue": (0.12, 0.25, 0.92),
    "purple": (0.55, 0.15, 0.80),
    "pink": (0.98, 0.45, 0.75),
}

BACKGROUNDS = {
    "black": ((0.03, 0.03, 0.03), (0.03, 0.03, 0.03)),
    "white": ((0.97, 0.97, 0.97), (0.97, 0.97, 0.97)),
    "gray": ((0.50, 0.50, 0.50), (0.50, 0.50, 0.50)),
    # a vertical gradient, top colour then bottom colour
    "sky": ((0.55, 0.75, 0.95), (0.92, 0.95, 1.00)),
}

# object radius as a fraction of the image side
SIZES = {"small": 0.12, "medium": 0.19, "large": 0.27}


@dataclass(frozen=True)
class ShapeObject:
    """One object at one instant: centre (x, y in image units, y down), radius, rotation (radians)."""

    shape: str
    colour: tuple[float, float, float]
    x: float
    y: float
    radius: float
    angle: float = 0.0


def _polygon_sdf(px: np.ndarray, py: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Exact signed distance to a closed polygon (negative inside), vectorised over points."""
    vx, vy = vertices[:, 0], vertices[:, 1]
    distance = (px - vx[0]) ** 2 + (py - vy[0]) ** 2
    sign = np.ones_like(px)
    count = len(vertices)
    for i in range(count):
        j = (i - 1) % count
        ex, ey = vx[j] - vx[i], vy[j] - vy[i]
        wx, wy = px - vx[i], py - vy[i]
        t = np.clip((wx * ex + wy * ey) / (ex * ex + ey * ey), 0.0, 1.0)
        bx, by = wx - ex * t, wy - ey * t
        distance = np.minimum(distance, bx * bx + by * by)
        c1 = py >= vy[i]
        c2 = py < vy[j]
        c3 = ex * wy > ey * wx
        flip = (c1 & c2 & c3) | (~c1 & ~c2 & ~c3)
        sign = np.where(flip, -sign, sign)
    return sign * np.sqrt(distance)


def _regular(points: int, radius: float, inner: float | None = None, phase: float = -math.pi / 2) -> np.ndarray:
    """Vertices of a regular polygon (or a star when `inner` is given), first vertex pointing up."""
    vertices = []
    steps = points * (2 if inner is not None else 1)
    for k in range(steps):
        r = radius if inner is None or k % 2 == 0 else inner
        a = phase + 2 * math.pi * k / steps
        vertices.append((r * math.cos(a), r * math.sin(a)))
    return np.array(vertices, dtype=np.float64)


_POLYGONS = {
    "square": np.array([(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)]),
    "triangle": _regular(3, 1.0, phase=-math.pi / 2) + np.array([0.0, 0.2]),
    "star": _regular(5, 1.0, inner=0.45),
    "diamond": np.array([(0.0, -1.0), (0.75, 0.0), (0.0, 1.0), (-0.75, 0.0)]),
    "cross": np.array(
        [(-0.3, -1), (0.3, -1), (0.3, -0.3), (1, -0.3), (1, 0.3), (0.3, 0.3), (0.3, 1), (-0.3, 1),
         (-0.3, 0.3), (-1, 0.3), (-1, -0.3), (-0.3, -0.3)],
        dtype=np.float64,
    ),
}


def _heart_sdf(px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Inigo Quilez's exact heart SDF, flipped to y-down and centred on the unit disc."""
    scale = 1.25
    x = np.abs(px) / scale
    y = (-py / scale) + 0.55  # y up, heart spans about [0, 1.05] before the shift
    upper = np.sqrt((x - 0.25) ** 2 + (y - 0.75) ** 2) - math.sqrt(2) / 4
    m = np.maximum(x + y, 0.0) * 0.5
    lower = np.sqrt(np.minimum(x * x + (y - 1) ** 2, (x - m) ** 2 + (y - m) ** 2)) * np.sign(x - y)
    return np.where(y + x > 1.0, upper, lower) * scale


def shape_sdf(shape: str, px: np.ndarray, py: np.ndarray) -> np.ndarray:
    """Signed distance (object units, negative inside) of `shape` of unit radius at the origin."""
    if shape == "circle":
        return np.sqrt(px * px + py * py) - 1.0
    if shape == "ring":
        return np.abs(np.sqrt(px * px + py * py) - 0.72) - 0.28
    if shape == "heart":
        return _heart_sdf(px, py)
    if shape in _POLYGONS:
        return _polygon_sdf(px, py, _POLYGONS[shape])
    raise ValueError(f"unknown shape {shape!r}; expected one of {SHAPES}")


def background(name: str, size: int) -> np.ndarray:
    """The background `[3, size, size]` in [0, 1]."""
    top, bottom = (np.array(c, dtype=np.float64) for c in BACKGROUNDS[name])
    ramp = (np.arange(size, dtype=np.float64) + 0.5) / size
    column = top[:, None] * (1 - ramp[None, :]) + bottom[:, None] * ramp[None, :]  # [3 h]
    return np.repeat(column[:, :, None], size, axis=2)


def render(objects: list[ShapeObject], background_name: str, size: int) -> np.ndarray:
    """Renders objects (painter's order) over a background: `[3, size, size]` float32 in [0, 1]."""
    image = background(background_name, size)
    centres = (np.arange(size, dtype=np.float64) + 0.5) / size
    gx, gy = np.meshgrid(centres, centres)  # x along columns, y along rows (down)
    for obj in objects:
        dx, dy = gx - obj.x, gy - obj.y
        cos, sin = math.cos(obj.angle), math.sin(obj.angle)
        # rotate the sampling point into the object's frame, then scale to unit radius
        ox = (cos * dx + sin * dy) / obj.radius
        oy = (-sin * dx + cos * dy) / obj.radius
        distance_pixels = shape_sdf(obj.shape, ox, oy) * obj.radius * size
        coverage = np.clip(0.5 - distance_pixels, 0.0, 1.0)
        colour = np.array(obj.colour, dtype=np.float64)[:, None, None]
        image = image * (1 - coverage[None]) + colour * coverage[None]
    return image.astype(np.float32)
