"""The attribute classifier: a small convolutional network over an object-centred crop of a frame.

A frame is brought to `FRAME_SIZE`² (area averaging), the locator finds its object, and the classifier reads
the `CROP_SIZE`² crop centred on it (`locate.py`): the object sits in the middle at its own scale, so size
stays visible and the network need not learn every position.

Layout (the TypeScript declaration in `tooling/quality/src/judge/judge-network.ts` builds the same graph and
reads these tensor names):

    conv{i}   3×3 convolutions, padding 1, channels CHANNELS, strides STRIDES (24² → 6²), each with SiLU
    flatten   [b c 6 6] -> [b (c 6 6)]
    features  linear → FEATURE_DIM, SiLU                    (the Fréchet features)
    heads.<attribute>  linear FEATURE_DIM → classes         (logits)

Training puts a BatchNorm after every convolution; the export folds it into the convolution's weight and
bias, so the exported network is convolutions, SiLU, a reshape and linear layers only: ops every mav backend
runs (Conv, Sigmoid, Mul, Reshape, MatMul, Add).
"""

from __future__ import annotations

import torch
from torch import nn

from ..world import BACKGROUNDS, COLOURS, SHAPES, SIZES
from .locate import CROP_SIZE

FRAME_SIZE = 32
CHANNELS = (16, 32, 48, 64)
STRIDES = (1, 2, 1, 2)
FEATURE_DIM = 64

# Class order of every head: the world's own tables, in their order.
LABELS = {
    "shape": list(SHAPES),
    "colour": list(COLOURS),
    "size": list(SIZES),
    "background": list(BACKGROUNDS),
}
ATTRIBUTES = tuple(LABELS)


def judge_config() -> dict:
    """The JSON config the TypeScript declaration reads (`JudgeConfig`)."""
    return {"frameSize": FRAME_SIZE, "cropSize": CROP_SIZE, "channels": list(CHANNELS), "strides": list(STRIDES),
            "featureDim": FEATURE_DIM, "labels": LABELS}


class Judge(nn.Module):
    """`crops [b 3 24 24]` in [−1, 1] → (features `[b FEATURE_DIM]`, logits by attribute). With
    `batch_norm=False` it is the exported (folded) network."""

    def __init__(self, batch_norm: bool = True):
        super().__init__()
        inputs = (3, *CHANNELS[:-1])
        side = CROP_SIZE
        for index, (cin, cout, stride) in enumerate(zip(inputs, CHANNELS, STRIDES), start=1):
            setattr(self, f"conv{index}", nn.Conv2d(cin, cout, 3, stride=stride, padding=1))
            if batch_norm:
                setattr(self, f"norm{index}", nn.BatchNorm2d(cout))
            side = (side + 2 - 3) // stride + 1
        self.batch_norm = batch_norm
        self.features = nn.Linear(CHANNELS[-1] * side * side, FEATURE_DIM)
        self.heads = nn.ModuleDict({name: nn.Linear(FEATURE_DIM, len(labels)) for name, labels in LABELS.items()})

    def forward(self, crops: torch.Tensor) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        h = crops
        for index in range(1, len(CHANNELS) + 1):
            h = getattr(self, f"conv{index}")(h)
            if self.batch_norm:
                h = getattr(self, f"norm{index}")(h)
            h = nn.functional.silu(h)
        features = nn.functional.silu(self.features(h.flatten(1)))
        return features, {name: head(features) for name, head in self.heads.items()}

    def folded_state_dict(self) -> dict[str, torch.Tensor]:
        """The weights of the exported network: each BatchNorm (running statistics) folded into its conv:
        W' = W · γ/√(var + ε), b' = (b − mean) · γ/√(var + ε) + β."""
        state = {}
        for index in range(1, len(CHANNELS) + 1):
            conv = getattr(self, f"conv{index}")
            weight, bias = conv.weight.detach(), conv.bias.detach()
            if self.batch_norm:
                norm = getattr(self, f"norm{index}")
                scale = norm.weight.detach() / torch.sqrt(norm.running_var + norm.eps)
                weight = weight * scale[:, None, None, None]
                bias = (bias - norm.running_mean) * scale + norm.bias.detach()
            state[f"conv{index}.weight"] = weight.clone().contiguous()
            state[f"conv{index}.bias"] = bias.clone().contiguous()
        for name, tensor in self.state_dict().items():
            if name.startswith("features.") or name.startswith("heads."):
                state[name] = tensor.detach().clone()
        return state


def folded_judge(state: dict[str, torch.Tensor]) -> Judge:
    """The exported network with `state` (from `folded_state_dict` or judge.safetensors) loaded."""
    model = Judge(batch_norm=False)
    model.load_state_dict(state)
    return model.eval()
