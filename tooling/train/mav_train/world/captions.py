"""Caption templates and synonyms for the still images of the shapes world."""

from __future__ import annotations

import numpy as np

SHAPE_WORDS = {
    "circle": ("circle", "disc", "dot"),
    "square": ("square", "box"),
    "triangle": ("triangle",),
    "star": ("star",),
    "ring": ("ring", "donut"),
    "heart": ("heart",),
    "diamond": ("diamond", "rhombus"),
    "cross": ("cross", "plus"),
}

COLOUR_WORDS = {
    "red": ("red",),
    "orange": ("orange",),
    "yellow": ("yellow",),
    "green": ("green",),
    "cyan": ("cyan", "turquoise"),
    "blue": ("blue",),
    "purple": ("purple", "violet"),
    "pink": ("pink",),
}

SIZE_WORDS = {"small": ("small", "tiny", "little"), "medium": ("medium", "mid-sized"), "large": ("large", "big", "huge")}

BACKGROUND_WORDS = {"black": ("black", "dark"), "white": ("white",), "gray": ("gray", "grey"), "sky": ("sky", "pale blue")}

# {size} {colour} {shape} {background}; "a" becomes "an" before a vowel
TEMPLATES = (
    "a {colour} {shape}",
    "a {size} {colour} {shape}",
    "a {colour} {shape} on a {background} background",
    "a {size} {colour} {shape} on a {background} background",
    "a picture of a {colour} {shape}",
    "an image of a {size} {colour} {shape}",
    "{colour} {shape} on {background}",
    "the {shape} is {colour}",
)


def _article(text: str) -> str:
    words = text.split(" ")
    for i in range(len(words) - 1):
        if words[i] == "a" and words[i + 1][:1] in "aeiou":
            words[i] = "an"
    return " ".join(words)


def caption(shape: str, colour: str, size: str, background: str, rng: np.random.Generator) -> str:
    """A caption for one still image: a random template filled with random synonyms."""
    template = TEMPLATES[rng.integers(len(TEMPLATES))]

    def pick(options: tuple[str, ...]) -> str:
        return options[rng.integers(len(options))]

    text = template.format(
        shape=pick(SHAPE_WORDS[shape]),
        colour=pick(COLOUR_WORDS[colour]),
        size=pick(SIZE_WORDS[size]),
        background=pick(BACKGROUND_WORDS[background]),
    )
    return _article(text)


def canonical_prompt(shape: str, colour: str, background: str | None = None) -> str:
    """The plain prompt used for evaluation: `a red star` or `a red star on a black background`."""
    text = f"a {colour} {shape}" if background is None else f"a {colour} {shape} on a {background} background"
    return _article(text)


def vocabulary_words() -> list[str]:
    """Every word the captions can contain, sorted (the tokenizer's vocabulary, after the special tokens)."""
    words: set[str] = {"a", "an", "picture", "of", "image", "on", "background", "the", "is", "-"}
    for table in (SHAPE_WORDS, COLOUR_WORDS, SIZE_WORDS, BACKGROUND_WORDS):
        for options in table.values():
            for option in options:
                for word in option.replace("-", " - ").split():
                    words.add(word)
    return sorted(words)
