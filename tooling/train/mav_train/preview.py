"""Evaluation prompts with their decoder conditioning, for the TypeScript contact sheet.

For each (shape, colour) on a held-out seed of the eval split, the conditioning vector comes from the text
path when the prior is trained (`--use-prior`: tokenizer → text encoder → prior, DDIM 32 steps → scaled image
embedding), otherwise from the CLIP image embedding of a reference rendering of the prompt (the
"variations" path of the paper). Writes JSON: {source, entries: [{prompt, shape, colour, background, vector}]}.
"""

from __future__ import annotations

import json
import os

import torch

from .diffusion import Diffusion
from .models.clip import Prior, clip_scaled
from .stages import FrozenClip, load_network
from .tokenizer import WordTokenizer
from .world import canonical_prompt, image_spec, render_image

PREVIEW_PROMPTS = [
    ("circle", "red"), ("square", "blue"), ("triangle", "green"), ("star", "yellow"),
    ("ring", "purple"), ("heart", "pink"), ("diamond", "cyan"), ("cross", "orange"),
    # held out from training
    ("star", "blue"), ("heart", "green"), ("circle", "purple"), ("square", "cyan"),
]


@torch.no_grad()
def write_preview(stages: str, out: str, use_prior: bool) -> None:
    clip = FrozenClip(os.path.join(stages, "clip"))
    tokenizer = WordTokenizer(clip.text.config["maxLength"])
    prior = None
    if use_prior:
        prior, _ = load_network(os.path.join(stages, "prior"), "prior", Prior)
    diffusion = Diffusion("sample")
    entries = []
    for index, (shape, colour) in enumerate(PREVIEW_PROMPTS):
        spec = image_spec(10_000 + index, "eval", shape=shape, colour=colour)
        prompt = canonical_prompt(shape, colour, spec.background)
        if prior is not None:
            ids = torch.tensor([tokenizer.encode(prompt)])
            text_embedding, text_tokens = clip.text_states(ids)
            generator = torch.Generator().manual_seed(index)
            sample = diffusion.sample_ddim(
                lambda x, t: prior(x, t, text_embedding, text_tokens), (1, text_embedding.shape[1]), 32, generator
            )
            vector = clip_scaled(sample)[0]
        else:
            pixels = torch.from_numpy(render_image(spec, clip.image_size))[None] * 2 - 1
            vector = clip.image_embedding(pixels)[0]
        entries.append({"prompt": prompt, "shape": shape, "colour": colour, "background": spec.background,
                        "heldOut": index >= 8, "vector": [float(v) for v in vector]})
    with open(out, "w") as handle:
        json.dump({"source": "prior" if prior is not None else "reference-image", "entries": entries}, handle, indent=1)
