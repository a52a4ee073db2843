"""The evaluation prompt sets of @mav/quality (`tooling/quality/prompts/{quick,full}.json`).

Every shape once per prompt group, each with a held-out (shape, colour) pair of the eval split or a pair
training shows, marked `heldOut` so that compositional generalisation is reported apart; sizes and
backgrounds cycle so every value appears; fps values spread over 1–30. The `fpsProbe` lists prompts that are
generated at fps 4 and at fps 24 with the same seed (keyframes only), for the fps-conditioning check;
`restoration` lists the items whose real clips ↑F, extrapolation, animation and the SR stages restore.
The committed files are this module's output (`python3 -m mav_train.judges prompts`); a test keeps them equal.
"""

from __future__ import annotations

from ..world import BACKGROUNDS, HELD_OUT_COMBINATIONS, SHAPES, SIZES, canonical_prompt

PROMPT_SET_FORMAT = "mav-quality-prompts"
_HELD_OUT_COLOUR = dict(HELD_OUT_COMBINATIONS)  # shape → its held-out colour
# quick: held-out pairs for circle, triangle, ring, diamond; seen pairs for the other four, colours all distinct
_QUICK_SEEN = {"square": "yellow", "star": "green", "heart": "cyan", "cross": "blue"}
_QUICK_FPS = (4, 24, 2, 12, 1, 30, 8, 16)
_FULL_FPS = (1, 2, 4, 6, 8, 12, 16, 20, 24, 30)
# the quick set samples with fewer steps than a model's defaults, so that it runs in minutes on 2 cores
_QUICK_STEPS = {"imageDecoder": 10, "decoder": 10, "interpolation": 3, "superResolutionLow": 2,
                "superResolutionHigh": 2}


def _prompt(shape: str, colour: str, size: str, background: str) -> str:
    return canonical_prompt(shape, f"{size} {colour}", background)


def _item(identifier: str, shape: str, colour: str, index: int, seed: int, fps: float) -> dict:
    size = tuple(SIZES)[index % len(SIZES)]
    background = tuple(BACKGROUNDS)[index % len(BACKGROUNDS)]
    return {"id": identifier, "prompt": _prompt(shape, colour, size, background), "shape": shape, "colour": colour,
            "size": size, "background": background, "heldOut": (shape, colour) in HELD_OUT_COMBINATIONS,
            "seed": seed, "fps": fps}


def quick_set() -> dict:
    """8 prompts (every shape and colour once, 4 held-out pairs), one seed each; fps probe on 4 of them,
    restoration on 2."""
    items = []
    for index, shape in enumerate(SHAPES):
        colour = _HELD_OUT_COLOUR[shape] if index % 2 == 0 else _QUICK_SEEN[shape]
        items.append(_item(f"q{index:02d}", shape, colour, index, 100 + index, _QUICK_FPS[index]))
    probe = [{"id": f"{item['id']}-fps", "prompt": item["prompt"], "of": item["id"], "seed": item["seed"]}
             for item in items[:4]]
    return {"format": PROMPT_SET_FORMAT, "version": 1, "name": "quick", "steps": _QUICK_STEPS, "items": items,
            "fpsProbe": {"fps": [4, 24], "items": probe}, "restoration": [item["id"] for item in items[:2]]}


def full_set(seeds_per_prompt: int = 3) -> dict:
    """16 prompts (every shape with its held-out colour and with a seen colour), `seeds_per_prompt` seeds
    each, the model's own sampling settings; fps probe on every prompt."""
    prompts = []
    for index, shape in enumerate(SHAPES):
        prompts.append((shape, _HELD_OUT_COLOUR[shape]))
    for index, shape in enumerate(SHAPES):
        # the next shape's held-out colour is a seen pair for this one (held-out pairs are one per shape)
        prompts.append((shape, _HELD_OUT_COLOUR[SHAPES[(index + 1) % len(SHAPES)]]))
    items = []
    for prompt_index, (shape, colour) in enumerate(prompts):
        for repeat in range(seeds_per_prompt):
            number = len(items)
            items.append(_item(f"f{number:02d}", shape, colour, prompt_index + repeat, 1000 + number,
                               _FULL_FPS[number % len(_FULL_FPS)]))
    probe = [{"id": f"f{index:02d}-fps", "prompt": items[index * seeds_per_prompt]["prompt"],
              "of": items[index * seeds_per_prompt]["id"], "seed": items[index * seeds_per_prompt]["seed"]}
             for index in range(len(prompts))]
    return {"format": PROMPT_SET_FORMAT, "version": 1, "name": "full", "steps": {}, "items": items,
            "fpsProbe": {"fps": [4, 24], "items": probe},
            "restoration": [items[index * seeds_per_prompt]["id"] for index in range(len(prompts))]}


PROMPT_SETS = {"quick": quick_set, "full": full_set}
