"""The PyTorch reference of the TypeScript cascade: reads an exported model folder (its manifest in
@mav/cascade's format) and runs text-to-video or text-to-image as `Cascade.textToVideo` / `textToImage` do,
stage by stage, with the noise the TypeScript run drew (read from its trace), so that each stage's output can
be compared with the product's.

An independent implementation: the conventions are read from the manifest and applied here in PyTorch; the
samplers follow the diffusers formulas (DDIM, Song et al. 2021 eq. 12 with η = 0; DPM-Solver++ 2M, Lu et al.
2022 Algorithm 2, first order on the first and the final step to σ = 0).

`python3 -m mav_train reference --cascade DIR --trace TRACE.safetensors --mode video|image --prompt P --out OUT`
writes OUT (safetensors) with the tensors named as the trace names them: `textEncoder.embedding`,
`textEncoder.tokens`, `prior.output`, `decoder.output`, `interpolation.output`, `superResolutionLow.output`,
`superResolutionHigh.output`, `imageDecoder.output`.
"""

from __future__ import annotations

import json
import math
import os
import time as time_module

import torch
import torch.nn.functional as F

from .data import blend_known_frames
from .models.clip import Prior, TextEncoder
from .models.unet import UNet
from .safetensors_io import load_safetensors, save_safetensors
from .tokenizer import WordTokenizer


def _alphas_cumulative(scheduler: dict) -> torch.Tensor:
    """ᾱ_t, float64, of the manifest's schedule."""
    steps = scheduler["numTrainTimesteps"]
    kind = scheduler["betaSchedule"]
    if kind == "squared-cosine":
        def alpha_bar(fraction: float) -> float:
            return math.cos((fraction + 0.008) / 1.008 * math.pi / 2) ** 2

        cap = scheduler.get("maxBeta", 0.999)
        betas = torch.tensor([min(1 - alpha_bar((t + 1) / steps) / alpha_bar(t / steps), cap) for t in range(steps)],
                             dtype=torch.float64)
    elif kind == "linear":
        betas = torch.linspace(scheduler["betaStart"], scheduler["betaEnd"], steps, dtype=torch.float64)
    elif kind == "scaled-linear":
        betas = torch.linspace(scheduler["betaStart"] ** 0.5, scheduler["betaEnd"] ** 0.5, steps, dtype=torch.float64) ** 2
    else:
        raise ValueError(f"unknown betaSchedule {kind!r}")
    return torch.cumprod(1 - betas, dim=0)


def _round_half_even(values: torch.Tensor) -> list[int]:
    return [int(v) for v in torch.round(values.to(torch.float64))]


def timesteps(scheduler: dict, count: int) -> list[int]:
    """Sampling timesteps, as diffusers' `set_timesteps` gives them for the scheduler kind and spacing."""
    total = scheduler["numTrainTimesteps"]
    spacing = scheduler["timestepSpacing"]
    multistep = scheduler["kind"] == "dpm-solver++"
    if spacing == "trailing":
        return [t - 1 for t in _round_half_even(torch.arange(total, 0, -total / count, dtype=torch.float64))]
    if spacing == "linspace":
        if multistep:
            return _round_half_even(torch.linspace(0, total - 1, count + 1, dtype=torch.float64))[::-1][:-1]
        return _round_half_even(torch.linspace(0, total - 1, count, dtype=torch.float64))[::-1]
    if spacing == "leading":
        offset = scheduler.get("stepsOffset", 0)
        if multistep:
            ratio = total // (count + 1)
            return [t + offset for t in range(0, (count + 1) * ratio, ratio)][::-1][:-1]
        ratio = total // count
        return [t * ratio + offset for t in range(count)][::-1]
    raise ValueError(f"unknown timestepSpacing {spacing!r}")


def _x0(prediction: str, output: torch.Tensor, x: torch.Tensor, alpha: float, sigma: float) -> torch.Tensor:
    if prediction == "sample":
        return output
    if prediction == "epsilon":
        return (x - sigma * output) / alpha
    return alpha * x - sigma * output  # v


def sample(scheduler: dict, count: int, noise: torch.Tensor, predict) -> torch.Tensor:
    """Runs the manifest's sampler from `noise` (x_T, unit variance); `predict(x, t)` gives the (guided)
    model output. Deterministic: DDIM with η = 0, or DPM-Solver++ 2M."""
    alphas = _alphas_cumulative(scheduler)
    steps = timesteps(scheduler, count)
    prediction = scheduler["predictionType"]
    kind = scheduler["kind"]
    x = noise.to(torch.float32).clone()
    total = scheduler["numTrainTimesteps"]
    previous_x0, previous_lambda = None, 0.0
    for index, t in enumerate(steps):
        output = predict(x, t)
        a_t = float(alphas[t])
        alpha, sigma = math.sqrt(a_t), math.sqrt(1 - a_t)
        x0 = _x0(prediction, output, x, alpha, sigma)
        final = index == len(steps) - 1
        if kind == "ddim":
            previous = t - total // count
            a_prev = float(alphas[previous]) if previous >= 0 else 1.0
            epsilon = (x - alpha * x0) / sigma
            x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * epsilon
        elif kind == "dpm-solver++":
            a_next = 1.0 if final else float(alphas[steps[index + 1]])
            alpha_next, sigma_next = math.sqrt(a_next), math.sqrt(1 - a_next)
            exp_minus_h = (sigma_next / alpha_next) / (sigma / alpha)
            lam = math.log(alpha) - math.log(sigma)
            if previous_x0 is None or final:
                data = x0
            else:
                ratio = (lam - previous_lambda) / -math.log(exp_minus_h)
                data = (1 + 1 / (2 * ratio)) * x0 - 1 / (2 * ratio) * previous_x0
            x = (sigma_next / sigma) * x - alpha_next * (exp_minus_h - 1) * data
            previous_x0, previous_lambda = x0, lam
        else:
            raise ValueError(f"the reference implements ddim and dpm-solver++, not {kind!r}")
    return x


def normalize(embedding: torch.Tensor, convention: dict) -> torch.Tensor:
    """The manifest's `embeddings` convention: scale · x/‖x‖ ('l2'), or scale · x ('none')."""
    if convention["normalize"] == "l2":
        return embedding * (convention["scale"] / embedding.norm(dim=-1, keepdim=True).clamp_min(1e-12))
    return embedding * convention["scale"]


def upsample(video: torch.Tensor, size: int) -> torch.Tensor:
    """`[b c f h w]` → `[b c f size size]`, bilinear with half-pixel centres (`bilinear-half-pixel`)."""
    b, c, f, h, w = video.shape
    frames = video.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w)
    frames = F.interpolate(frames, size=(size, size), mode="bilinear", align_corners=False)
    return frames.reshape(b, f, c, size, size).permute(0, 2, 1, 3, 4)


class ReferenceCascade:
    """The exported cascade in PyTorch."""

    def __init__(self, folder: str):
        with open(os.path.join(folder, "manifest.json")) as handle:
            self.manifest = json.load(handle)
        self.folder = folder
        self.stages = self.manifest["stages"]
        self.tokenizer = WordTokenizer(self.stages["textEncoder"]["network"]["maxLength"])
        self.networks: dict = {}
        # Wall time of each UNet stage's sampling loop (networks loaded beforehand): {stage: {steps, rows,
        # seconds, shape}}, for the benchmark beside onnxruntime.
        self.timings: dict = {}

    def network(self, stage: str):
        if stage not in self.networks:
            entry = self.stages[stage]
            factory = {"textEncoder": TextEncoder, "prior": Prior}.get(stage, UNet)
            module = factory(entry["network"])
            tensors: dict = {}
            for weight in entry["weights"]:
                tensors.update(load_safetensors(os.path.join(self.folder, weight["file"]))[0])
            module.load_state_dict(tensors)
            self.networks[stage] = module.eval()
        return self.networks[stage]

    @torch.no_grad()
    def encode_text(self, prompt: str) -> tuple[torch.Tensor, torch.Tensor]:
        """[prompt, ''] → (normalised embeddings [2 D], token states [2 n W])."""
        ids = torch.tensor([self.tokenizer.encode(prompt), self.tokenizer.encode("")], dtype=torch.int64)
        embeds, states = self.network("textEncoder")(ids)
        return normalize(embeds, self.manifest["embeddings"]), states

    @torch.no_grad()
    def prior(self, embedding: torch.Tensor, states: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        entry = self.stages["prior"]
        net = self.network("prior")
        scale = entry["guidanceScale"]

        def predict(x, t):
            time = torch.full((1,), float(t))
            conditional = net(x, time, embedding[:1], states[:1])
            if scale == 1:
                return conditional
            unconditional = net(x, time, embedding[1:], states[1:])
            return unconditional + scale * (conditional - unconditional)

        return normalize(sample(entry["scheduler"], entry["steps"], noise, predict), self.manifest["embeddings"])

    @torch.no_grad()
    def unet(self, stage: str, noise: torch.Tensor, vector: torch.Tensor, **feeds) -> torch.Tensor:
        """Samples a UNet stage with classifier-free guidance against the zero vector when its scale is not 1."""
        entry = self.stages[stage]
        net = self.network(stage)
        batch = noise.shape[0]
        scale = entry["guidanceScale"]
        vectors = vector.expand(batch, -1)

        # With guidance the conditional and unconditional rows run as one batch of 2·b, as the product's
        # fixed-shape sessions do (same shapes, so timings compare).
        guided = scale != 1
        rows = 2 * batch if guided else batch
        call_vectors = torch.cat([vectors, torch.zeros_like(vectors)]) if guided else vectors
        call_feeds = {name: torch.cat([value, value]) if guided else value for name, value in feeds.items()}

        def predict(x, t):
            time = torch.full((rows,), float(t))
            output = net(torch.cat([x, x]) if guided else x, time, conditioning_vector=call_vectors, **call_feeds)
            if not guided:
                return output
            conditional, unconditional = output[:batch], output[batch:]
            return unconditional + scale * (conditional - unconditional)

        started = time_module.perf_counter()
        result = sample(entry["scheduler"], entry["steps"], noise, predict)
        self.timings[stage] = {"steps": entry["steps"], "rows": rows, "seconds": time_module.perf_counter() - started,
                               "shape": [rows, *noise.shape[1:]]}
        return result

    @torch.no_grad()
    def interpolate(self, keyframes: torch.Tensor, vector: torch.Tensor, fps: float, noise: torch.Tensor) -> torch.Tensor:
        """Keyframes `[1 3 K h w]` → `[1 3 (K−1)·skip+1 h w]`: windows of `windowKeyframes` known frames,
        `skip` apart, all windows in one batch; known frames restored; windows joined on their shared frame."""
        entry = self.stages["interpolation"]
        skip, per_window = entry["frameSkip"], entry.get("windowKeyframes", 2)
        _, channels, count, height, width = keyframes.shape
        windows = (count - 1) // (per_window - 1)
        length = (per_window - 1) * skip + 1
        masked = torch.zeros(windows, channels, length, height, width)
        mask = torch.zeros(windows, 1, length, height, width)
        for window in range(windows):
            for known in range(per_window):
                masked[window, :, known * skip] = keyframes[0, :, window * (per_window - 1) + known]
                mask[window, :, known * skip] = 1
        if entry["frameConditioning"] == "blended-frames-then-mask":
            conditioning = torch.cat([blend_known_frames(masked, mask[:, 0, :, 0, 0]), mask], dim=1)
        else:  # 'masked-frames-then-mask'
            conditioning = torch.cat([masked, mask], dim=1)
        fps_feed = torch.full((windows,), float(fps))
        output = self.unet("interpolation", noise, vector, fps=fps_feed, frame_conditioning=conditioning)
        if entry.get("residual") == "blended-known-frames":
            output = output + blend_known_frames(masked, mask[:, 0, :, 0, 0])
        known = mask[:, :1, :, :1, :1].expand_as(output) > 0
        output = torch.where(known, masked, output)
        frames = [output[window, :, : length - (0 if window == windows - 1 else 1)] for window in range(windows)]
        return torch.cat(frames, dim=1)[None]

    @torch.no_grad()
    def super_resolve(self, stage: str, video: torch.Tensor, vector: torch.Tensor, augmentation_noise: torch.Tensor,
                      noise: torch.Tensor) -> torch.Tensor:
        """SR_l^t on the whole clip, SR_h per frame (frames in the batch, the shared noise of the trace)."""
        entry = self.stages[stage]
        level = entry["noiseLevel"]
        a = float(_alphas_cumulative(entry["scheduler"])[level])
        clean = upsample(video, entry["resolution"])
        low = math.sqrt(a) * clean + math.sqrt(1 - a) * augmentation_noise
        # 'upsampled-input': the network samples the residual over the clean upsampled input
        base = clean if entry.get("residual") == "upsampled-input" else torch.zeros_like(clean)
        if stage == "superResolutionHigh":
            # [1 3 f R R] -> [f 3 1 R R]
            low = low[0].permute(1, 0, 2, 3)[:, :, None]
        if stage == "superResolutionLow":
            levels = torch.full((low.shape[0],), float(level))
            return (self.unet(stage, noise, vector, low_res_sample=low, noise_level=levels) + base).clamp(-1, 1)
        # SR_h: chunks of `frameBatch` frames; every frame starts from the same noise field, so each chunk's
        # noise is the trace's first row repeated.
        frames = low.shape[0]
        chunk = min(entry.get("frameBatch", frames), frames)
        outputs, seconds = [], 0.0
        for start in range(0, frames, chunk):
            rows = low[start:start + chunk]
            count = rows.shape[0]
            outputs.append(self.unet(stage, noise[:1].expand(count, *noise.shape[1:]).contiguous(), vector,
                                     low_res_sample=rows, noise_level=torch.full((count,), float(level))))
            seconds += self.timings[stage]["seconds"]
        self.timings[stage].update({"seconds": seconds, "rows": frames, "chunkRows": chunk,
                                    "shape": [frames, *noise.shape[1:]]})
        output = torch.cat(outputs)
        return (output[:, :, 0].permute(1, 0, 2, 3)[None] + base).clamp(-1, 1)


def run_reference(folder: str, trace: dict, mode: str, prompt: str) -> dict:
    """The reference run of `mode` ('video' or 'image'), from the noise in `trace` (names `stage.name`)."""
    cascade = ReferenceCascade(folder)
    stages = cascade.stages
    for stage in stages:
        if stage != "imageEncoder":
            cascade.network(stage)
    out: dict = {}
    embedding, states = cascade.encode_text(prompt)
    out["textEncoder.embedding"], out["textEncoder.tokens"] = embedding, states
    vector = cascade.prior(embedding, states, trace["prior.initialNoise"])
    out["prior.output"] = vector
    if mode == "image":
        image = cascade.unet("imageDecoder", trace["imageDecoder.initialNoise"], vector).clamp(-1, 1)
        out["imageDecoder.output"] = image
        video = image
    else:
        decoder = stages["decoder"]
        fps = decoder["fps"]["default"]
        video = cascade.unet("decoder", trace["decoder.initialNoise"], vector,
                             fps=torch.full((1,), float(fps))).clamp(-1, 1)
        out["decoder.output"] = video
        if "interpolation" in stages:
            skip = stages["interpolation"]["frameSkip"]
            video = cascade.interpolate(video, vector, fps * skip, trace["interpolation.initialNoise"]).clamp(-1, 1)
            out["interpolation.output"] = video
    for stage in ("superResolutionLow", "superResolutionHigh"):
        if stage in stages and f"{stage}.initialNoise" in trace:
            video = cascade.super_resolve(stage, video, vector, trace[f"{stage}.augmentationNoise"],
                                          trace[f"{stage}.initialNoise"])
            out[f"{stage}.output"] = video
    out["timings"] = cascade.timings
    return out


def write_reference(folder: str, trace_path: str, mode: str, prompt: str, out: str,
                    timings_path: str | None = None) -> list[str]:
    """Writes the reference tensors to `out` (and, given `timings_path`, the UNet stages' timings as JSON)."""
    trace, _ = load_safetensors(trace_path)
    result = run_reference(folder, trace, mode, prompt)
    timings = result.pop("timings")
    save_safetensors(result, out)
    if timings_path is not None:
        with open(timings_path, "w") as handle:
            json.dump({"threads": torch.get_num_threads(), "torch": torch.__version__, "stages": timings}, handle,
                      indent=2)
    return sorted(result)
