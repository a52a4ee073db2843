"""The world's word-level tokenizer, and its Hugging Face `tokenizer.json`.

Encoding: lowercase, split on `\\w+|[^\\w\\s]+` (the `Whitespace` pre-tokenizer of HF tokenizers), map words to
ids (unknown words to `<|unk|>`), wrap in `<|startoftext|> … <|endoftext|>`, truncate to `max_length`
(keeping the end token) and pad with `<|pad|>`. The JSON written by `tokenizer_json` encodes the same steps
in the HF format (WordLevel model, Lowercase normaliser, Whitespace pre-tokenizer, TemplateProcessing,
fixed padding, truncation), so `@huggingface/tokenizers` gives the same ids.
"""

from __future__ import annotations

import re

from .world.captions import vocabulary_words

PAD, START, END, UNK = "<|pad|>", "<|startoftext|>", "<|endoftext|>", "<|unk|>"
SPECIAL_TOKENS = (PAD, START, END, UNK)
_SPLIT = re.compile(r"\w+|[^\w\s]+")


class WordTokenizer:
    """Word-level tokenizer over the shapes world's vocabulary (ids: pad 0, start 1, end 2, unk 3, words…)."""

    def __init__(self, max_length: int = 16):
        if max_length < 3:
            raise ValueError(f"max_length must be at least 3, got {max_length}")
        self.max_length = max_length
        self.vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS)}
        for word in vocabulary_words():
            self.vocab.setdefault(word, len(self.vocab))
        self.pad_id, self.start_id, self.end_id, self.unk_id = (self.vocab[t] for t in SPECIAL_TOKENS)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def words(self, text: str) -> list[str]:
        return _SPLIT.findall(text.lower())

    def encode(self, text: str) -> list[int]:
        """`max_length` ids: start, words (truncated), end, padding."""
        ids = [self.vocab.get(word, self.unk_id) for word in self.words(text)][: self.max_length - 2]
        ids = [self.start_id, *ids, self.end_id]
        return ids + [self.pad_id] * (self.max_length - len(ids))

    def tokenizer_json(self) -> dict:
        """The HF tokenizers JSON (format version 1.0) of this tokenizer."""
        added = [
            {"id": self.vocab[token], "content": token, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for token in SPECIAL_TOKENS
        ]

        def special(token: str) -> dict:
            return {"SpecialToken": {"id": token, "type_id": 0}}

        return {
            "version": "1.0",
            "truncation": {"direction": "Right", "max_length": self.max_length, "strategy": "LongestFirst", "stride": 0},
            "padding": {
                "strategy": {"Fixed": self.max_length},
                "direction": "Right",
                "pad_to_multiple_of": None,
                "pad_id": self.pad_id,
                "pad_type_id": 0,
                "pad_token": PAD,
            },
            "added_tokens": added,
            "normalizer": {"type": "Lowercase"},
            "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [special(START), {"Sequence": {"id": "A", "type_id": 0}}, special(END)],
                "pair": [special(START), {"Sequence": {"id": "A", "type_id": 0}}, special(END),
                         {"Sequence": {"id": "B", "type_id": 1}}, special(END)],
                "special_tokens": {
                    token: {"id": token, "ids": [self.vocab[token]], "tokens": [token]} for token in (START, END)
                },
            },
            "decoder": None,
            "model": {"type": "WordLevel", "vocab": dict(self.vocab), "unk_token": UNK},
        }
