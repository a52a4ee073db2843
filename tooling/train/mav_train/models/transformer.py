"""Pre-LN transformer pieces with CLIP's parameter names (q_proj/k_proj/v_proj/out_proj, layer_norm1/2,
mlp.fc1/fc2, quick GELU), as `transformer-block.ts` of @mav/p3d-layers declares them."""

from __future__ import annotations

import math

import torch
from torch import nn


def quick_gelu(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(1.702 * x)


class SelfAttention(nn.Module):
    def __init__(self, width: int, heads: int, causal: bool):
        super().__init__()
        self.heads, self.causal = heads, causal
        self.q_proj = nn.Linear(width, width)
        self.k_proj = nn.Linear(width, width)
        self.v_proj = nn.Linear(width, width)
        self.out_proj = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, length, width = x.shape
        head_dim = width // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:  # [b n d] -> [b heads n e]
            return t.reshape(batch, length, self.heads, head_dim).transpose(1, 2)

        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(head_dim))
        if self.causal:
            mask = torch.triu(torch.full((length, length), -1e9), diagonal=1)
            scores = scores + mask
        merged = (torch.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(batch, length, width)
        return self.out_proj(merged)


class Mlp(nn.Module):
    def __init__(self, width: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(quick_gelu(self.fc1(x)))


class TransformerBlock(nn.Module):
    """`h = x + self_attn(layer_norm1(x))`, `out = h + mlp(layer_norm2(h))`."""

    def __init__(self, width: int, heads: int, mlp_ratio: int, causal: bool = False):
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width, eps=1e-5)
        self.self_attn = SelfAttention(width, heads, causal)
        self.layer_norm2 = nn.LayerNorm(width, eps=1e-5)
        self.mlp = Mlp(width, width * mlp_ratio)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x + self.self_attn(self.layer_norm1(x))
        return h + self.mlp(self.layer_norm2(h))


class Encoder(nn.Module):
    def __init__(self, width: int, layers: int, heads: int, mlp_ratio: int, causal: bool = False):
        super().__init__()
        self.layers = nn.ModuleList([TransformerBlock(width, heads, mlp_ratio, causal) for _ in range(layers)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x
