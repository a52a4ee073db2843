"""Parity fixtures: for each network, its config, weights (random, every temporal layer non-trivial) and a few
input/output pairs computed by PyTorch, written for the TypeScript tests of @mav/train-parity.

Layout of the output folder:
  index.json                    [{name, kind, config, shape: {batch, numFrames, height, width}, inputs: [...]}]
  <name>.weights.safetensors    the network's parameters by name
  <name>.io.safetensors         inputs by graph input name, and `model_output`
  tokenizer.json, tokenizer_config.json, tokenizer-cases.json   the tokenizer and prompts with their ids
"""

from __future__ import annotations

import json
import os

import torch

from .models.clip import ImageEncoder, Prior, TextEncoder
from .models.unet import UNet
from .presets import configs
from .safetensors_io import save_safetensors
from .tokenizer import WordTokenizer
from .world import image_spec


@torch.no_grad()
def randomise(module: torch.nn.Module, generator: torch.Generator) -> None:
    """Moves every parameter off its default so that no layer is trivially the identity (norm scales
    1 + 0.1·N, biases and shifts 0.1·N, temporal convs/attention outputs random)."""
    for name, parameter in module.named_parameters():
        noise = torch.randn(parameter.shape, generator=generator)
        parts = name.split(".")
        if len(parts) > 1 and "norm" in parts[-2] and parts[-1] == "weight":
            parameter.copy_(1 + 0.1 * noise)
        elif name.endswith("bias") or parameter.dim() == 1:
            parameter.copy_(0.1 * noise)
        else:
            fan_in = parameter[0].numel() if parameter.dim() > 1 else parameter.numel()
            parameter.copy_(noise / fan_in ** 0.5)


def _unet_inputs(config: dict, batch: int, frames: int, size: int, generator: torch.Generator) -> dict[str, torch.Tensor]:
    def normal(*shape):
        return torch.randn(shape, generator=generator)

    inputs = {"sample": normal(batch, config["inChannels"], frames, size, size)}
    if config.get("frameConditioningChannels"):
        mask = (torch.rand(batch, 1, frames, 1, 1, generator=generator) > 0.5).float().expand(-1, 1, -1, size, size)
        inputs["frame_conditioning"] = torch.cat([normal(batch, 3, frames, size, size) * mask, mask], dim=1)
    if config.get("lowResolution"):
        inputs["low_res_sample"] = normal(batch, config["lowResolution"]["channels"], frames, size, size)
    inputs["timestep"] = torch.tensor([float(t) for t in (999, 17, 500, 3)[:batch]])
    if config.get("fpsConditioning"):
        inputs["fps"] = torch.tensor([float(f) for f in (1, 30, 7.5, 12)[:batch]])
    conditioning = config.get("conditioning") or {}
    if "vectorDim" in conditioning:
        inputs["conditioning_vector"] = normal(batch, conditioning["vectorDim"])
    if "tokenDim" in conditioning:
        inputs["conditioning_tokens"] = normal(batch, conditioning["tokenLength"], conditioning["tokenDim"])
    if config.get("lowResolution"):
        inputs["noise_level"] = torch.tensor([float(t) for t in (0, 250, 100, 40)[:batch]])
    return inputs


def _write(out: str, name: str, module: torch.nn.Module, inputs: dict, output: torch.Tensor) -> None:
    save_safetensors(module.state_dict(), os.path.join(out, f"{name}.weights.safetensors"), {"format": "pt"})
    save_safetensors({**inputs, "model_output": output}, os.path.join(out, f"{name}.io.safetensors"))


@torch.no_grad()
def write_fixtures(out: str) -> list[dict]:
    """Writes every fixture into `out`; returns the index."""
    os.makedirs(out, exist_ok=True)
    generator = torch.Generator().manual_seed(1234)
    index = []
    tiny, default = configs("tiny"), configs("default")
    unets = [
        ("decoder-tiny", tiny["decoder"], 2, 1),
        ("decoder-video-tiny", tiny["decoderVideo"], 2, 4),
        ("decoder-video-tiny-adagn", {**tiny["decoderVideo"], "embeddingScaleShift": True}, 2, 4),
        ("interpolation-tiny", tiny["interpolation"], 2, 4),
        ("sr-low-video-tiny", tiny["srLowVideo"], 2, 3),
        ("sr-high-tiny", tiny["srHigh"], 2, 1),
        ("decoder", default["decoder"], 2, 1),
        ("decoder-video", default["decoderVideo"], 1, 16),
        ("interpolation", default["interpolation"], 1, 16),
        ("sr-low-video", default["srLowVideo"], 1, 4),
        ("sr-high", default["srHigh"], 1, 1),
    ]
    for name, config, batch, frames in unets:
        torch.manual_seed(len(index))
        model = UNet(config).eval()
        randomise(model, generator)
        size = config["sampleSize"]
        inputs = _unet_inputs(config, batch, frames, size, generator)
        output = model(**inputs)
        _write(out, name, model, inputs, output)
        index.append({"name": name, "kind": "unet", "config": config,
                      "shape": {"batch": batch, "numFrames": frames, "height": size, "width": size},
                      "inputs": list(inputs)})

    tokenizer = WordTokenizer(default["textEncoder"]["maxLength"])
    prompts = [image_spec(seed).caption for seed in range(6)] + ["A Red STAR, on a gray background!", "a purple unicorn"]
    cases = [{"text": prompt, "ids": tokenizer.encode(prompt)} for prompt in prompts]
    for size_name, presets in (("tiny", tiny), ("default", default)):
        text = TextEncoder(presets["textEncoder"]).eval()
        randomise(text, generator)
        ids = torch.tensor([case["ids"] for case in cases[:2]], dtype=torch.int64)
        embeds, states = text(ids)
        save_safetensors(text.state_dict(), os.path.join(out, f"text-encoder-{size_name}.weights.safetensors"), {"format": "pt"})
        save_safetensors({"input_ids": ids, "text_embeds": embeds, "last_hidden_state": states},
                         os.path.join(out, f"text-encoder-{size_name}.io.safetensors"))
        index.append({"name": f"text-encoder-{size_name}", "kind": "textEncoder", "config": presets["textEncoder"],
                      "inputs": ["input_ids"]})
        image = ImageEncoder(presets["imageEncoder"]).eval()
        randomise(image, generator)
        pixels = torch.rand(2, 3, presets["imageEncoder"]["imageSize"], presets["imageEncoder"]["imageSize"], generator=generator) * 2 - 1
        save_safetensors(image.state_dict(), os.path.join(out, f"image-encoder-{size_name}.weights.safetensors"), {"format": "pt"})
        save_safetensors({"pixel_values": pixels, "image_embeds": image(pixels)},
                         os.path.join(out, f"image-encoder-{size_name}.io.safetensors"))
        index.append({"name": f"image-encoder-{size_name}", "kind": "imageEncoder", "config": presets["imageEncoder"],
                      "inputs": ["pixel_values"]})
        prior = Prior(presets["prior"]).eval()
        randomise(prior, generator)
        dim = presets["prior"]["embeddingDim"]
        prior_inputs = {"sample": torch.randn(2, dim, generator=generator), "timestep": torch.tensor([999.0, 10.0]),
                        "text_embedding": torch.randn(2, dim, generator=generator), "text_tokens": states}
        save_safetensors(prior.state_dict(), os.path.join(out, f"prior-{size_name}.weights.safetensors"), {"format": "pt"})
        save_safetensors({**prior_inputs, "model_output": prior(**prior_inputs)}, os.path.join(out, f"prior-{size_name}.io.safetensors"))
        index.append({"name": f"prior-{size_name}", "kind": "prior", "config": presets["prior"], "inputs": list(prior_inputs)})

    with open(os.path.join(out, "tokenizer.json"), "w") as handle:
        json.dump(tokenizer.tokenizer_json(), handle, indent=1)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as handle:
        json.dump(tokenizer_config(tokenizer), handle, indent=1)
    with open(os.path.join(out, "tokenizer-cases.json"), "w") as handle:
        json.dump({"maxLength": tokenizer.max_length, "padId": tokenizer.pad_id, "cases": cases}, handle, indent=1)
    with open(os.path.join(out, "index.json"), "w") as handle:
        json.dump(index, handle, indent=1)
    return index


def tokenizer_config(tokenizer: WordTokenizer) -> dict:
    """The `tokenizer_config.json` companion (what tokenizers.js and transformers read next to tokenizer.json)."""
    from .tokenizer import END, PAD, START, UNK

    return {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": tokenizer.max_length,
            "bos_token": START, "eos_token": END, "pad_token": PAD, "unk_token": UNK, "padding_side": "right",
            "clean_up_tokenization_spaces": False}
