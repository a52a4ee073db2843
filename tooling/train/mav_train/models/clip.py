"""Tiny CLIP (text tower C_x and image tower) and the DALL·E 2-style diffusion prior P.

Configs are the JSON objects of `transformer-config.ts` in @mav/p3d-layers (`TextEncoderConfig`,
`ImageEncoderConfig`, `PriorConfig`); parameter names follow Hugging Face CLIP without the `text_model.` /
`vision_model.` prefixes (see tooling/train/README.md for the full list).

Embeddings between stages are "scaled unit" vectors: e = √D · x / ‖x‖, so each element has variance ≈ 1
like the diffusion noise. `clip_scaled` applies it; the networks' graphs output the raw projection.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .transformer import Encoder
from .unet import EmbeddingMlp, sinusoidal_embedding


def clip_scaled(embedding: torch.Tensor) -> torch.Tensor:
    """√D · x / ‖x‖ over the last axis."""
    return embedding * (math.sqrt(embedding.shape[-1]) / embedding.norm(dim=-1, keepdim=True).clamp_min(1e-12))


class TextEmbeddings(nn.Module):
    def __init__(self, vocab_size: int, max_length: int, width: int):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Embedding(max_length, width)
        # CLIP's initialisation; with torch's default N(0, 1) the positions drown the content
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.position_embedding.weight, std=0.01)


class TextEncoder(nn.Module):
    """`input_ids [b n]` → (`text_embeds [b D]`, `last_hidden_state [b n W]`); pooled at the end token."""

    def __init__(self, config: dict):
        super().__init__()
        self.config = {"mlpRatio": 4, **config}
        c = self.config
        self.embeddings = TextEmbeddings(c["vocabSize"], c["maxLength"], c["width"])
        self.encoder = Encoder(c["width"], c["layers"], c["heads"], c["mlpRatio"], causal=True)
        self.final_layer_norm = nn.LayerNorm(c["width"], eps=1e-5)
        self.text_projection = nn.Linear(c["width"], c["embeddingDim"], bias=False)

    def forward(self, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        positions = torch.arange(input_ids.shape[1])
        h = self.embeddings.token_embedding(input_ids) + self.embeddings.position_embedding(positions)[None]
        h = self.final_layer_norm(self.encoder(h))
        # the state at the end token: a one-hot row per prompt (as a MatMul, the way a graph without Gather can)
        selector = (input_ids == self.config["endTokenId"]).to(h.dtype)
        pooled = (selector[:, None, :] @ h)[:, 0]
        return self.text_projection(pooled), h


class ImageEmbeddings(nn.Module):
    def __init__(self, image_size: int, patch_size: int, width: int):
        super().__init__()
        self.class_embedding = nn.Parameter(torch.randn(width) * 0.02)
        self.patch_embedding = nn.Conv2d(3, width, patch_size, stride=patch_size, bias=False)
        self.position_embedding = nn.Embedding((image_size // patch_size) ** 2 + 1, width)
        # small positions, as CLIP's: with torch's default N(0, 1) they drown the patch content and the tower
        # learns colour but not shape (measured: a shape classifier on it stays at chance for 400 steps)
        nn.init.normal_(self.position_embedding.weight, std=0.02)


class ImageEncoder(nn.Module):
    """`pixel_values [b 3 s s]` in [−1, 1] → `image_embeds [b D]`."""

    def __init__(self, config: dict):
        super().__init__()
        self.config = {"mlpRatio": 4, **config}
        c = self.config
        self.embeddings = ImageEmbeddings(c["imageSize"], c["patchSize"], c["width"])
        self.pre_layrnorm = nn.LayerNorm(c["width"], eps=1e-5)  # sic: Hugging Face's name
        self.encoder = Encoder(c["width"], c["layers"], c["heads"], c["mlpRatio"])
        self.post_layernorm = nn.LayerNorm(c["width"], eps=1e-5)
        self.visual_projection = nn.Linear(c["width"], c["embeddingDim"], bias=False)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        patches = self.embeddings.patch_embedding(pixel_values)  # [b W g g]
        patches = patches.flatten(2).transpose(1, 2)  # [b (g g) W]
        cls = self.embeddings.class_embedding[None, None].expand(patches.shape[0], 1, -1)
        h = torch.cat([cls, patches], dim=1) + self.embeddings.position_embedding.weight[None]
        h = self.encoder(self.pre_layrnorm(h))
        return self.visual_projection(self.post_layernorm(h[:, 0]))


class Clip(nn.Module):
    """Both towers and the learned temperature (training only)."""

    def __init__(self, text_config: dict, image_config: dict):
        super().__init__()
        self.text = TextEncoder(text_config)
        self.image = ImageEncoder(image_config)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(10.0)))

    def forward(self, input_ids: torch.Tensor, pixel_values: torch.Tensor) -> torch.Tensor:
        """The symmetric contrastive loss of a batch of (caption, image) pairs."""
        text = nn.functional.normalize(self.text(input_ids)[0], dim=-1)
        image = nn.functional.normalize(self.image(pixel_values), dim=-1)
        logits = self.logit_scale.exp().clamp(max=100) * text @ image.t()
        # captions can repeat within a batch: targets are every matching caption, not just the diagonal
        same = (input_ids[:, None, :] == input_ids[None, :, :]).all(-1).to(logits.dtype)
        targets = same / same.sum(-1, keepdim=True)
        return 0.5 * (torch.sum(-targets * logits.log_softmax(-1), -1).mean()
                      + torch.sum(-targets.t() * logits.t().log_softmax(-1), -1).mean())


class Prior(nn.Module):
    """P: a transformer over `[text tokens (n), text embedding, timestep, noised image embedding, query]`
    (+ learned positions), read out at the query; predicts the clean scaled image embedding (x_0).

    Inputs: `sample [b D]` (noised), `timestep [b]` (float32), `text_embedding [b D]` (scaled),
    `text_tokens [b n textWidth]` (the text encoder's `last_hidden_state`). Output `model_output [b D]`.
    """

    def __init__(self, config: dict):
        super().__init__()
        self.config = {"mlpRatio": 4, **config}
        c = self.config
        width = c["width"]
        self.text_tokens_proj = nn.Linear(c["textWidth"], width)
        self.text_embedding_proj = nn.Linear(c["embeddingDim"], width)
        self.time_embedding = EmbeddingMlp(width, width)
        self.sample_proj = nn.Linear(c["embeddingDim"], width)
        self.learned_query = nn.Parameter(torch.randn(width) * 0.02)
        self.position_embedding = nn.Embedding(c["textLength"] + 4, width)
        self.layers = Encoder(width, c["layers"], c["heads"], c["mlpRatio"]).layers
        self.final_layer_norm = nn.LayerNorm(width, eps=1e-5)
        self.output_proj = nn.Linear(width, c["embeddingDim"])

    def forward(self, sample, timestep, text_embedding, text_tokens):
        batch = sample.shape[0]
        width = self.config["width"]
        sequence = torch.cat(
            [
                self.text_tokens_proj(text_tokens),
                self.text_embedding_proj(text_embedding)[:, None],
                self.time_embedding(sinusoidal_embedding(timestep, width))[:, None],
                self.sample_proj(sample)[:, None],
                self.learned_query[None, None].expand(batch, 1, width),
            ],
            dim=1,
        )
        h = sequence + self.position_embedding.weight[None]
        for layer in self.layers:
            h = layer(h)
        return self.output_proj(self.final_layer_norm(h[:, -1]))
