"""How well the trained CLIP towers tell shapes and colours apart, on held-out (eval split) renderings.

For every (shape, colour), held-out pairs included, `count` eval images are embedded and each is matched
against the canonical captions that differ from its own only in the shape (shape retrieval) or only in the
colour (colour retrieval). Chance is 1/8 for both. `python3 -m mav_train probe --clip DIR [--count N]`.
"""

from __future__ import annotations

import torch

from .stages import FrozenClip
from .tokenizer import WordTokenizer
from .world import COLOURS, SHAPES, canonical_prompt, image_spec, render_image


@torch.no_grad()
def clip_probe(clip_dir: str, count: int = 4) -> dict:
    clip = FrozenClip(clip_dir)
    tokenizer = WordTokenizer(clip.text.config["maxLength"])
    shapes, colours = list(SHAPES), list(COLOURS)

    def text(prompts: list[str]) -> torch.Tensor:
        return clip.text_states(torch.tensor([tokenizer.encode(p) for p in prompts]))[0]

    by_colour = {colour: text([canonical_prompt(s, colour) for s in shapes]) for colour in colours}
    by_shape = {shape: text([canonical_prompt(shape, c) for c in colours]) for shape in shapes}
    specs = [image_spec(30_000 + 64 * k + 8 * si + ci, "eval", shape=shape, colour=colour)
             for k in range(count) for si, shape in enumerate(shapes) for ci, colour in enumerate(colours)]
    images = clip.image_embedding(torch.stack([torch.from_numpy(render_image(s, clip.image_size)) for s in specs]) * 2 - 1)
    shape_hits = colour_hits = 0
    for spec, image in zip(specs, images):
        shape_hits += int((by_colour[spec.colour] @ image).argmax()) == shapes.index(spec.shape)
        colour_hits += int((by_shape[spec.shape] @ image).argmax()) == colours.index(spec.colour)
    return {"probes": len(specs), "shapeRetrieval": shape_hits / len(specs), "colourRetrieval": colour_hits / len(specs),
            "chance": 1 / len(shapes)}
