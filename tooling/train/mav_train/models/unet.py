"""The pseudo-3D UNet of @mav/p3d-layers, in PyTorch, parameter for parameter.

The config is the same JSON (`UNetConfig`, camelCase fields) and every parameter has the same name and
layout as in `packages/p3d-layers` (`declare-unet.ts`), so a `state_dict` saved as safetensors loads into
`buildUNet` unchanged. Activations use the same folded layout `[(b f) c h w]`; the order of operations is
the same as the ONNX graph's so the outputs agree to float32 rounding.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def resolve_unet_config(config: dict) -> dict:
    """The config with defaults filled in (as `resolveUNetConfig`), checked."""
    resolved = {
        "midBlockAttention": True,
        "fpsConditioning": False,
        "frameConditioningChannels": 0,
        "temporalKernelSize": 3,
        "embeddingScaleShift": False,
        **config,
    }
    for level_multiplier in resolved["channelMultipliers"]:
        channels = resolved["baseChannels"] * level_multiplier
        if channels % resolved["normGroups"] or channels % resolved["attentionHeads"]:
            raise ValueError(f"normGroups and attentionHeads must divide every level's channels ({channels})")
    if resolved["baseChannels"] % 2:
        raise ValueError("baseChannels must be even")
    return resolved


def image_config_of(config: dict) -> dict:
    """The image model of a video config (as `imageConfigOf`)."""
    return {**resolve_unet_config(config), "temporalLayers": False, "fpsConditioning": False}


def sinusoidal_embedding(scalar: torch.Tensor, dim: int) -> torch.Tensor:
    """`[b] -> [b dim]`: `[cos(t·ω), sin(t·ω)]`, `ω_i = exp(−ln(10000)·i/(dim/2))` rounded to float32."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float64) / half).to(torch.float32)
    phases = scalar.to(torch.float32)[:, None] * frequencies[None, :]
    return torch.cat([torch.cos(phases), torch.sin(phases)], dim=1)


def frame_position_table(channels: int, num_frames: int) -> torch.Tensor:
    """`[channels, num_frames]`: `P[i, f] = cos(f·ω_i)`, `P[i + c/2, f] = sin(f·ω_i)` (as `framePositionTable`)."""
    half = channels // 2
    table = torch.zeros(channels, num_frames, dtype=torch.float64)
    frames = torch.arange(num_frames, dtype=torch.float64)
    for i in range(half):
        frequency = math.exp(-math.log(10000) * i / half)
        table[i] = torch.cos(frames * frequency)
        table[i + half] = torch.sin(frames * frequency)
    return table.to(torch.float32)


class EmbeddingMlp(nn.Module):
    """`linear_2(silu(linear_1(e)))`."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.linear_1 = nn.Linear(in_features, out_features)
        self.linear_2 = nn.Linear(out_features, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear_2(F.silu(self.linear_1(x)))


class PseudoConv3d(nn.Conv2d):
    """Conv2d per frame, then (video) a temporal Conv1d along frames at each pixel (`.temporal_conv`)."""

    def __init__(self, in_channels: int, out_channels: int, temporal: bool, temporal_kernel: int = 3):
        super().__init__(in_channels, out_channels, 3, padding=1)
        self.temporal_conv = (
            nn.Conv1d(out_channels, out_channels, temporal_kernel, padding=temporal_kernel // 2) if temporal else None
        )

    def forward(self, x: torch.Tensor, num_frames: int = 1) -> torch.Tensor:  # type: ignore[override]
        h = super().forward(x)
        if self.temporal_conv is None:
            return h
        batch_frames, channels, height, width = h.shape
        batch = batch_frames // num_frames
        # [(b f) c h w] -> [b c f (h w)], a conv2d with the (k, 1) view of the Conv1d kernel (as @mav/p3d-layers
        # lowers it), -> [(b f) c h w]
        t = h.reshape(batch, num_frames, channels, height * width).transpose(1, 2)
        conv = self.temporal_conv
        t = F.conv2d(t, conv.weight.unsqueeze(-1), conv.bias, padding=(conv.padding[0], 0))
        return t.transpose(1, 2).reshape(batch_frames, channels, height, width)


class ResBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, embedding_channels: int, groups: int, temporal: bool, kernel: int,
                 scale_shift: bool = False):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, in_channels, eps=1e-5)
        self.conv1 = PseudoConv3d(in_channels, out_channels, temporal, kernel)
        # scale_shift (AdaGN): the projection gives [scale, shift] applied after norm2, else a bias added before it
        self.scale_shift = scale_shift
        self.time_emb_proj = nn.Linear(embedding_channels, 2 * out_channels if scale_shift else out_channels)
        self.norm2 = nn.GroupNorm(groups, out_channels, eps=1e-5)
        self.conv2 = PseudoConv3d(out_channels, out_channels, temporal, kernel)
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x: torch.Tensor, embedding: torch.Tensor, num_frames: int) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)), num_frames)
        batch_frames, channels, height, width = h.shape
        projected = self.time_emb_proj(F.silu(embedding))
        if self.scale_shift:
            scale, shift = projected[:, None, :, None, None].chunk(2, dim=2)  # [b 1 c 1 1] each
            normed = self.norm2(h).reshape(-1, num_frames, channels, height, width)
            h = F.silu((normed * (scale + 1) + shift).reshape(batch_frames, channels, height, width))
        else:
            # [(b f) c h w] + [b 1 c 1 1] over [b f c h w]
            h = (h.reshape(-1, num_frames, channels, height, width) + projected[:, None, :, None, None]).reshape(
                batch_frames, channels, height, width
            )
            h = F.silu(self.norm2(h))
        h = self.conv2(h, num_frames)
        skip = x if self.conv_shortcut is None else self.conv_shortcut(x)
        return skip + h


class Attention(nn.Module):
    """Multi-head attention: to_q/to_k/to_v without bias, to_out with bias."""

    def __init__(self, channels: int, heads: int, context_channels: int | None = None):
        super().__init__()
        self.heads = heads
        self.to_q = nn.Linear(channels, channels, bias=False)
        self.to_k = nn.Linear(context_channels or channels, channels, bias=False)
        self.to_v = nn.Linear(context_channels or channels, channels, bias=False)
        self.to_out = nn.Linear(channels, channels)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        context = x if context is None else context
        channels = x.shape[-1]
        head_dim = channels // self.heads
        q = self.to_q(x)
        k = self.to_k(context)
        v = self.to_v(context)

        def split(t: torch.Tensor) -> torch.Tensor:  # [... n c] -> [... heads n d]
            return t.reshape(*t.shape[:-1], self.heads, head_dim).transpose(-2, -3)

        q, k, v = split(q), split(k), split(v)
        weights = torch.softmax((q @ k.transpose(-1, -2)) * (1 / math.sqrt(head_dim)), dim=-1)
        merged = (weights @ v).transpose(-2, -3)
        return self.to_out(merged.reshape(*x.shape[:-1], channels))


class AttentionBlock(nn.Module):
    """Spatial self-attention (+ cross-attention with tokens), then (video) temporal attention."""

    def __init__(self, channels: int, heads: int, groups: int, temporal: bool, token_dim: int | None):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, channels, eps=1e-5)
        self.attn1 = Attention(channels, heads)
        if token_dim is not None:
            self.norm2 = nn.GroupNorm(groups, channels, eps=1e-5)
            self.attn2 = Attention(channels, heads, token_dim)
        if temporal:
            self.temporal_norm = nn.GroupNorm(groups, channels, eps=1e-5)
            self.temporal_attention = Attention(channels, heads)
        self.temporal = temporal
        self.cross = token_dim is not None

    def forward(self, x: torch.Tensor, num_frames: int, tokens: torch.Tensor | None) -> torch.Tensor:
        batch_frames, channels, height, width = x.shape
        batch = batch_frames // num_frames

        def to_tokens(h: torch.Tensor) -> torch.Tensor:  # [(b f) c h w] -> [b f (h w) c]
            return h.reshape(batch, num_frames, channels, height * width).transpose(2, 3)

        def from_tokens(h: torch.Tensor) -> torch.Tensor:
            return h.transpose(2, 3).reshape(batch_frames, channels, height, width)

        h = x + from_tokens(self.attn1(to_tokens(self.norm1(x))))
        if self.cross:
            context = tokens[:, None]  # [b m d] -> [b 1 m d]
            h = h + from_tokens(self.attn2(to_tokens(self.norm2(h)), context))
        if not self.temporal:
            return h
        pixels = height * width
        # [(b f) c h w] -> [b f c (h w)] -> [b (h w) c f] -> [(b h w) c f]
        t = h.reshape(batch, num_frames, channels, pixels).permute(0, 3, 2, 1).reshape(batch * pixels, channels, num_frames)
        t = self.temporal_norm(t) + frame_position_table(channels, num_frames).to(t.dtype)
        t = self.temporal_attention(t.transpose(1, 2))  # [(b h w) f c]
        t = t.reshape(batch, pixels, num_frames, channels).permute(0, 2, 3, 1)
        return h + t.reshape(batch_frames, channels, height, width)


class Downsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x)


class Upsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Level(nn.Module):
    """One `down_blocks.{l}` or `up_blocks.{u}`: resnets, attentions, optional down/upsampler."""

    def __init__(self):
        super().__init__()
        self.resnets = nn.ModuleList()
        self.attentions = nn.ModuleList()


class UNet(nn.Module):
    """The UNet of `config` (image or pseudo-3D video), inputs and output as `buildUNet`'s graph."""

    def __init__(self, config: dict):
        super().__init__()
        c = resolve_unet_config(config)
        self.config = c
        base = c["baseChannels"]
        groups, heads, temporal, kernel = c["normGroups"], c["attentionHeads"], c["temporalLayers"], c["temporalKernelSize"]
        embedding_channels = 4 * base
        conditioning = c.get("conditioning") or {}
        self.vector_dim = conditioning.get("vectorDim")
        self.token_dim = conditioning.get("tokenDim")
        low_res = c.get("lowResolution")
        self.low_res_channels = low_res["channels"] if low_res else 0
        input_channels = c["inChannels"] + c["frameConditioningChannels"] + self.low_res_channels

        self.time_embedding = EmbeddingMlp(base, embedding_channels)
        if c["fpsConditioning"]:
            self.fps_embedding = EmbeddingMlp(base, embedding_channels)
        if self.vector_dim is not None:
            self.cond_embedding = EmbeddingMlp(self.vector_dim, embedding_channels)
        if low_res:
            self.noise_level_embedding = EmbeddingMlp(base, embedding_channels)

        def block(i: int, o: int) -> ResBlock:
            return ResBlock(i, o, embedding_channels, groups, temporal, kernel, c["embeddingScaleShift"])

        def attend(channels: int) -> AttentionBlock:
            return AttentionBlock(channels, heads, groups, temporal, self.token_dim)

        self.conv_in = PseudoConv3d(input_channels, base, temporal, kernel)
        multipliers = c["channelMultipliers"]
        levels = len(multipliers)
        skip_channels = [base]
        channels = base
        self.down_blocks = nn.ModuleList()
        for level, multiplier in enumerate(multipliers):
            down = Level()
            level_channels = base * multiplier
            for _ in range(c["resBlocksPerLevel"]):
                down.resnets.append(block(channels, level_channels))
                channels = level_channels
                if level in c["attentionLevels"]:
                    down.attentions.append(attend(channels))
                skip_channels.append(channels)
            if level < levels - 1:
                down.downsamplers = nn.ModuleList([Downsample(channels)])
                skip_channels.append(channels)
            self.down_blocks.append(down)
        self.mid_block = Level()
        self.mid_block.resnets.append(block(channels, channels))
        if c["midBlockAttention"]:
            self.mid_block.attentions.append(attend(channels))
        self.mid_block.resnets.append(block(channels, channels))
        self.up_blocks = nn.ModuleList()
        for up_index, multiplier in enumerate(reversed(multipliers)):
            level = levels - 1 - up_index
            up = Level()
            level_channels = base * multiplier
            for _ in range(c["resBlocksPerLevel"] + 1):
                up.resnets.append(block(channels + skip_channels.pop(), level_channels))
                channels = level_channels
                if level in c["attentionLevels"]:
                    up.attentions.append(attend(channels))
            if level > 0:
                up.upsamplers = nn.ModuleList([Upsample(channels)])
            self.up_blocks.append(up)
        self.conv_norm_out = nn.GroupNorm(groups, channels, eps=1e-5)
        self.conv_out = PseudoConv3d(channels, c["outChannels"], temporal, kernel)

    def forward(
        self,
        sample: torch.Tensor,
        timestep: torch.Tensor,
        fps: torch.Tensor | None = None,
        conditioning_vector: torch.Tensor | None = None,
        conditioning_tokens: torch.Tensor | None = None,
        frame_conditioning: torch.Tensor | None = None,
        low_res_sample: torch.Tensor | None = None,
        noise_level: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """`sample [b c f h w]` (+ the config's other inputs) -> `model_output [b outChannels f h w]`."""
        c = self.config
        base = c["baseChannels"]
        pieces = [sample]
        if c["frameConditioningChannels"]:
            pieces.append(frame_conditioning)
        if self.low_res_channels:
            pieces.append(low_res_sample)
        joined = torch.cat(pieces, dim=1) if len(pieces) > 1 else sample
        batch, channels, num_frames, height, width = joined.shape
        # [b c f h w] -> [(b f) c h w]
        h = joined.transpose(1, 2).reshape(batch * num_frames, channels, height, width)
        embedding = self.time_embedding(sinusoidal_embedding(timestep, base))
        if c["fpsConditioning"]:
            embedding = embedding + self.fps_embedding(sinusoidal_embedding(fps, base))
        if self.vector_dim is not None:
            embedding = embedding + self.cond_embedding(conditioning_vector)
        if self.low_res_channels:
            embedding = embedding + self.noise_level_embedding(sinusoidal_embedding(noise_level, base))

        h = self.conv_in(h, num_frames)
        skips = [h]
        for down in self.down_blocks:
            for index, resnet in enumerate(down.resnets):
                h = resnet(h, embedding, num_frames)
                if len(down.attentions):
                    h = down.attentions[index](h, num_frames, conditioning_tokens)
                skips.append(h)
            if hasattr(down, "downsamplers"):
                h = down.downsamplers[0](h)
                skips.append(h)
        h = self.mid_block.resnets[0](h, embedding, num_frames)
        if len(self.mid_block.attentions):
            h = self.mid_block.attentions[0](h, num_frames, conditioning_tokens)
        h = self.mid_block.resnets[1](h, embedding, num_frames)
        for up in self.up_blocks:
            for index, resnet in enumerate(up.resnets):
                h = resnet(torch.cat([h, skips.pop()], dim=1), embedding, num_frames)
                if len(up.attentions):
                    h = up.attentions[index](h, num_frames, conditioning_tokens)
            if hasattr(up, "upsamplers"):
                h = up.upsamplers[0](h)
        h = self.conv_out(F.silu(self.conv_norm_out(h)), num_frames)
        # [(b f) c h w] -> [b c f h w]
        return h.reshape(batch, num_frames, -1, height, width).transpose(1, 2)


def is_temporal_parameter(name: str) -> bool:
    """Whether a parameter exists only in the video model (what inflation adds)."""
    return ".temporal_conv." in name or ".temporal_norm." in name or ".temporal_attention." in name or name.startswith("fps_embedding.")


@torch.no_grad()
def inflate_state_dict(image_state: dict[str, torch.Tensor], video_config: dict, seed: int = 0) -> dict[str, torch.Tensor]:
    """Function-preserving inflation (as `inflate`): the video model's weights from the image model's.

    Image weights are kept by name; temporal convs get the dirac kernel and zero bias, temporal attention
    `to_out` zero, temporal norms unit scale / zero shift, `fps_embedding.linear_2` zero; temporal attention
    q/k/v and `fps_embedding.linear_1` are random (seeded) so training can move them.
    """
    generator = torch.Generator().manual_seed(seed)
    video = UNet(video_config)
    image_names = set(UNet(image_config_of(video_config)).state_dict().keys())
    missing = image_names - set(image_state)
    if missing:
        raise KeyError(f"image weights lack {sorted(missing)[:5]} ({len(missing)} missing)")
    out = {}
    for name, tensor in video.state_dict().items():
        if name in image_state:
            if tuple(image_state[name].shape) != tuple(tensor.shape):
                raise ValueError(f"{name}: image weight {tuple(image_state[name].shape)} vs video {tuple(tensor.shape)}")
            out[name] = image_state[name].clone()
        elif name.endswith("temporal_conv.weight"):
            weight = torch.zeros_like(tensor)
            centre = tensor.shape[2] // 2
            for channel in range(tensor.shape[0]):
                weight[channel, channel, centre] = 1.0
            out[name] = weight
        elif name.endswith("temporal_norm.weight"):
            out[name] = torch.ones_like(tensor)
        elif (
            name.endswith(".bias")
            or ".temporal_attention.to_out." in name
            or name.startswith("fps_embedding.linear_2.")
        ):
            out[name] = torch.zeros_like(tensor)
        else:  # temporal q/k/v and fps_embedding.linear_1.weight: N(0, 1/fan_in)
            out[name] = torch.randn(tensor.shape, generator=generator) / math.sqrt(tensor.shape[-1])
    return out


@torch.no_grad()
def widen_input_channels(state: dict[str, torch.Tensor], extra_channels: int, after: int) -> dict[str, torch.Tensor]:
    """Adds `extra_channels` zero input channels to `conv_in` after its first `after` channels (↑F from D^t):
    the widened net ignores the new inputs until trained, so it starts as the net it came from."""
    out = dict(state)
    weight = state["conv_in.weight"]
    zeros = torch.zeros(weight.shape[0], extra_channels, *weight.shape[2:], dtype=weight.dtype)
    out["conv_in.weight"] = torch.cat([weight[:, :after], zeros, weight[:, after:]], dim=1)
    return out
