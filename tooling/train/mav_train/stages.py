"""One entry per training stage of the cascade (Make-A-Video §3.4, at the shapes world's scale).

Each stage builds its network(s) from `presets.configs(size)`, trains with the shared loop (checkpoint,
resume, EMA, loss log, torchrun), and exports the EMA weights as `export/<network>.safetensors` plus
`export/<network>.json` ({kind, config, schedule, ...}) under its output folder.
"""

from __future__ import annotations

import json
import os

import numpy as np
import torch

from . import data
from .diffusion import Diffusion, schedule_record
from .models.clip import Clip, ImageEncoder, Prior, TextEncoder, clip_scaled
from .models.unet import UNet, inflate_state_dict, widen_input_channels
from .presets import configs
from .safetensors_io import load_safetensors, save_safetensors
from .tokenizer import WordTokenizer
from .trainer import TrainOptions, train

CONDITION_DROPOUT = 0.1  # embedding dropout for classifier-free guidance: the unconditional vector is zeros
SR_NOISE_LEVEL_MAX = 250  # training noise augmentation level s ~ U{0 … 250}; inference default 100
# What the SR and ↑F networks sample: the residual over what their inputs already say (the clean upsampled
# low-resolution input; the linear blend of the known frames), so an untrained-looking output is that input,
# not noise. Written into each export and the manifest (`residual`).
SR_RESIDUAL = "upsampled-input"
INTERPOLATION_RESIDUAL = "blended-known-frames"
# ↑F's RGB conditioning channels (`train interpolation --frame-conditioning`): 'masked-frames-then-mask' (the paper's
# zero-padded known frames; the default model) or 'blended-frames-then-mask' (the linear blend of the known frames
# at every frame)
FRAME_CONDITIONINGS = ("masked-frames-then-mask", "blended-frames-then-mask")


def export_network(out: str, name: str, kind: str, module: torch.nn.Module, config: dict, extra: dict | None = None) -> None:
    folder = os.path.join(out, "export")
    os.makedirs(folder, exist_ok=True)
    save_safetensors(module.state_dict(), os.path.join(folder, f"{name}.safetensors"), {"format": "pt", "mav.kind": kind})
    with open(os.path.join(folder, f"{name}.json"), "w") as handle:
        json.dump({"kind": kind, "config": config, **(extra or {})}, handle, indent=2)


def load_network(folder: str, name: str, factory) -> tuple[torch.nn.Module, dict]:
    with open(os.path.join(folder, "export", f"{name}.json")) as handle:
        described = json.load(handle)
    module = factory(described["config"])
    tensors, _ = load_safetensors(os.path.join(folder, "export", f"{name}.safetensors"))
    module.load_state_dict(tensors)
    return module.eval(), described


class FrozenClip:
    """The trained CLIP towers, frozen, giving scaled embeddings."""

    def __init__(self, folder: str):
        self.text, _ = load_network(folder, "text_encoder", TextEncoder)
        self.image, _ = load_network(folder, "image_encoder", ImageEncoder)
        self.image_size = self.image.config["imageSize"]

    @torch.no_grad()
    def image_embedding(self, pixels: torch.Tensor) -> torch.Tensor:
        if pixels.shape[-1] != self.image_size:
            pixels = data.downsample(pixels, self.image_size)
        return clip_scaled(self.image(pixels))

    @torch.no_grad()
    def text_states(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        embeds, states = self.text(ids)
        return clip_scaled(embeds), states


def _timesteps(batch: int) -> torch.Tensor:
    return torch.randint(0, 1000, (batch,))


def _drop(vectors: torch.Tensor) -> torch.Tensor:
    keep = (torch.rand(vectors.shape[0], 1) >= CONDITION_DROPOUT).to(vectors.dtype)
    return vectors * keep


def run_stage(stage: str, out: str, size: str, steps: int, batch: int, lr: float, clip_dir: str | None = None,
              init_dir: str | None = None, ema_decay: float = 0.999, checkpoint_every: int = 500, seed: int = 0,
              random_init: bool = False, lr_decay_from: int | None = None, fps_lr_scale: float = 1.0,
              frame_conditioning: str = FRAME_CONDITIONINGS[0], scale_shift: bool = False) -> dict:
    """Trains one stage; returns the trainer's result plus the exported names. `random_init` lets stages that
    start from another stage's weights start from random ones instead (timing runs); `lr_decay_from` the step after which the lr decays linearly to 0.
    `fps_lr_scale` multiplies the lr of D^t's fps embedding; `frame_conditioning` is ↑F's (FRAME_CONDITIONINGS);
    `scale_shift` gives D, D^t and ↑F AdaGN res blocks (`embeddingScaleShift`)."""
    if frame_conditioning not in FRAME_CONDITIONINGS:
        raise ValueError(f"frame_conditioning must be one of {FRAME_CONDITIONINGS}, got {frame_conditioning!r}")
    presets = configs(size)
    tokenizer = WordTokenizer(presets["textEncoder"]["maxLength"])
    options = TrainOptions(out=out, steps=steps, batch=batch, lr=lr, ema_decay=ema_decay,
                           checkpoint_every=checkpoint_every, seed=seed, lr_decay_from=lr_decay_from,
                           lr_scales=(("fps_embedding.", fps_lr_scale),) if stage == "decoder_video" and fps_lr_scale != 1 else ())
    base_size, num_frames = presets["baseSize"], presets["numFrames"]
    v_diffusion = Diffusion("v")

    def need(value, what):
        if value is None:
            raise ValueError(f"stage {stage} needs {what}")
        return value

    if stage == "clip":
        model = Clip(presets["textEncoder"], presets["imageEncoder"])

        def loss_fn(net, step, rank, world):
            pixels, ids, _ = data.contrastive_batch(data.item_seeds(step, rank, world, batch, seed), base_size, tokenizer)
            return net(ids, pixels)  # Clip.forward is the contrastive loss

        result = train(model, loss_fn, options, {"stage": stage, "size": size})
        if result["rank"] == 0:
            export_network(out, "text_encoder", "textEncoder", result["ema"].text, presets["textEncoder"],
                           {"embeddingScale": "sqrt(D) * l2normalize"})
            export_network(out, "image_encoder", "imageEncoder", result["ema"].image, presets["imageEncoder"],
                           {"embeddingScale": "sqrt(D) * l2normalize"})
        return result

    if stage == "prior":
        clip = FrozenClip(need(clip_dir, "--clip"))
        model = Prior(presets["prior"])
        diffusion = Diffusion("sample")

        def loss_fn(net, step, rank, world):
            pixels, ids, _ = data.image_batch(data.item_seeds(step, rank, world, batch, seed), base_size, tokenizer)
            text_embedding, text_tokens = clip.text_states(ids)
            target = clip.image_embedding(pixels)
            noise = torch.randn_like(target)
            t = _timesteps(batch)
            noisy = diffusion.add_noise(target, noise, t)
            prediction = net(noisy, t.to(torch.float32), text_embedding, text_tokens)
            return torch.nn.functional.mse_loss(prediction, target)

        result = train(model, loss_fn, options, {"stage": stage, "size": size})
        if result["rank"] == 0:
            export_network(out, "prior", "prior", result["ema"], presets["prior"], {"schedule": schedule_record("sample")})
        return result

    if stage in ("decoder", "decoder_video", "interpolation"):
        clip = FrozenClip(need(clip_dir, "--clip"))
        key = {"decoder": "decoder", "decoder_video": "decoderVideo", "interpolation": "interpolation"}[stage]
        config = {**presets[key], "embeddingScaleShift": True} if scale_shift else presets[key]
        model = UNet(config)
        if stage == "decoder_video" and not random_init:
            image_model, _ = load_network(need(init_dir, "--init (the decoder's output folder)"), "decoder", UNet)
            model.load_state_dict(inflate_state_dict(image_model.state_dict(), config, seed))
        if stage == "interpolation" and not random_init:
            video_model, _ = load_network(need(init_dir, "--init (the decoder_video output folder)"), "decoder_video", UNet)
            model.load_state_dict(widen_input_channels(video_model.state_dict(), 4, after=config["inChannels"]))
        video = stage != "decoder"

        def loss_fn(net, step, rank, world):
            seeds = data.item_seeds(step, rank, world, batch, seed)
            rng = np.random.default_rng([seed, step, rank])
            if not video:
                pixels, _, _ = data.image_batch(seeds, base_size, tokenizer)
                x0 = pixels[:, :, None]  # [b c 1 h w]
                vector = clip.image_embedding(pixels)
                kwargs = {}
            else:
                fps = data.fps_curriculum(step / max(steps, 1), rng, batch)
                x0 = data.video_batch(seeds, base_size, num_frames, fps)
                # uncaptioned video: condition on the CLIP embedding of its middle frame
                vector = clip.image_embedding(x0[:, :, num_frames // 2])
                kwargs = {"fps": torch.tensor(fps, dtype=torch.float32)}
                if stage == "interpolation":
                    known = torch.tensor(np.stack([data.frame_mask(num_frames, rng)[0] for _ in range(batch)]))
                    mask = known[:, None, :, None, None].expand(-1, 1, -1, base_size, base_size)
                    blend = data.blend_known_frames(x0, known)
                    frames = blend if frame_conditioning == "blended-frames-then-mask" else x0 * mask
                    kwargs["frame_conditioning"] = torch.cat([frames, mask], dim=1)
                    x0 = x0 - blend  # the residual (INTERPOLATION_RESIDUAL)
            noise = torch.randn_like(x0)
            t = _timesteps(batch)
            output = net(v_diffusion.add_noise(x0, noise, t), t.to(torch.float32), conditioning_vector=_drop(vector), **kwargs)
            return torch.nn.functional.mse_loss(output, v_diffusion.target(x0, noise, t))

        result = train(model, loss_fn, options, {"stage": stage, "size": size})
        if result["rank"] == 0:
            extra = ({"residual": INTERPOLATION_RESIDUAL, "frameConditioning": frame_conditioning}
                     if stage == "interpolation" else {})
            export_network(out, stage, "unet", result["ema"], config,
                           {"schedule": schedule_record("v"), "conditionDropout": CONDITION_DROPOUT,
                            "unconditionalVector": "zeros", **extra})
        return result

    if stage in ("sr_low_image", "sr_low_video", "sr_high"):
        key = {"sr_low_image": "srLowImage", "sr_low_video": "srLowVideo", "sr_high": "srHigh"}[stage]
        config = presets[key]
        model = UNet(config)
        if stage == "sr_low_video" and not random_init:
            image_model, _ = load_network(need(init_dir, "--init (the sr_low_image output folder)"), "sr_low_image", UNet)
            model.load_state_dict(inflate_state_dict(image_model.state_dict(), config, seed))
        high = presets["srHighSize"] if stage == "sr_high" else presets["srLowSize"]
        low = high // 2

        def loss_fn(net, step, rank, world):
            seeds = data.item_seeds(step, rank, world, batch, seed)
            rng = np.random.default_rng([seed, step, rank])
            if stage == "sr_low_video":
                fps = data.fps_curriculum(rng.uniform(), rng, batch)
                x0 = data.video_batch(seeds, high, num_frames, fps)
            else:
                x0 = data.image_batch(seeds, high, tokenizer)[0][:, :, None]
            b, c, f, h, w = x0.shape
            frames = x0.transpose(1, 2).reshape(b * f, c, h, w)
            low_res = data.upsample(data.downsample(frames, low), high).reshape(b, f, c, h, w).transpose(1, 2)
            x0 = x0 - low_res  # the residual over the clean upsampled input (SR_RESIDUAL)
            level = torch.randint(0, SR_NOISE_LEVEL_MAX + 1, (b,))
            low_res = v_diffusion.add_noise(low_res, torch.randn_like(low_res), level)
            noise = torch.randn_like(x0)
            t = _timesteps(b)
            output = net(v_diffusion.add_noise(x0, noise, t), t.to(torch.float32), low_res_sample=low_res,
                         noise_level=level.to(torch.float32))
            return torch.nn.functional.mse_loss(output, v_diffusion.target(x0, noise, t))

        result = train(model, loss_fn, options, {"stage": stage, "size": size})
        if result["rank"] == 0:
            export_network(out, stage, "unet", result["ema"], config,
                           {"schedule": schedule_record("v"), "noiseLevelMax": SR_NOISE_LEVEL_MAX,
                            "inferenceNoiseLevel": 100, "lowResUpsampling": "bilinear-half-pixel",
                            "residual": SR_RESIDUAL})
        return result

    raise ValueError(f"unknown stage {stage!r}")
