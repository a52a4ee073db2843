"""The synthetic shapes world (stills with captions, uncaptioned videos in continuous time)."""

from .captions import canonical_prompt, caption, vocabulary_words
from .dataset import (
    HELD_OUT_COMBINATIONS,
    MOTIONS,
    ImageSpec,
    VideoSpec,
    image_spec,
    render_clip,
    render_image,
    video_spec,
)
from .shapes import BACKGROUNDS, COLOURS, SHAPES, SIZES, ShapeObject, render

__all__ = [
    "BACKGROUNDS", "COLOURS", "HELD_OUT_COMBINATIONS", "MOTIONS", "SHAPES", "SIZES", "ImageSpec", "ShapeObject",
    "VideoSpec", "canonical_prompt", "caption", "image_spec", "render", "render_clip", "render_image",
    "video_spec", "vocabulary_words",
]
