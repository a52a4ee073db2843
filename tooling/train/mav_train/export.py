"""Assembles the cascade folder @mav/cascade loads: `manifest.json` in the cascade's own format (the zod schema
of @mav/cascade, published as `packages/cascade/schema/model-manifest.schema.json`; the Python tests validate
every export against it), `tokenizer.json`, and each stage's weights (safetensors).

Every convention training fixes is written into the manifest, where the cascade reads and applies it: the
embedding normalisation between stages, each stage's schedule (β schedule and cap, prediction type,
timestep spacing and dtype), the fps default and range, the order of the frame-conditioning channels, the
SR input upsampling and noise level, the unconditional vector, the tokenizer's special tokens.
Stages that have not been trained yet are listed under `missing` instead of `stages`."""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil

from .diffusion import schedule_record
from .presets import configs
from .tokenizer import END, PAD, START, UNK, WordTokenizer

MANIFEST_FORMAT = "mav-cascade-manifest"
MANIFEST_VERSION = 1

# stage name in the manifest -> (training stage folder, exported network)
_NETWORKS = {
    "textEncoder": ("clip", "text_encoder"),
    "imageEncoder": ("clip", "image_encoder"),
    "prior": ("prior", "prior"),
    "imageDecoder": ("decoder", "decoder"),
    "decoder": ("decoder_video", "decoder_video"),
    "interpolation": ("interpolation", "interpolation"),
    "superResolutionLow": ("sr_low_video", "sr_low_video"),
    "superResolutionHigh": ("sr_high", "sr_high"),
}

# The fps range D^t and ↑F were trained on (data.fps_curriculum) and the decoder's default: at fps 4 the
# 16 keyframes interpolated 5× come out at 20 fps, inside the range ↑F saw.
FPS = {"default": 4, "min": 1, "max": 30}
FRAME_SKIP = 5
SR_NOISE_LEVEL = 100
SR_HIGH_FRAME_BATCH = 8


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _scheduler(described: dict, kind: str) -> dict:
    schedule = described.get("schedule") or schedule_record("v")
    return {"kind": kind, "numTrainTimesteps": schedule["numTrainTimesteps"], "betaSchedule": schedule["betaSchedule"],
            "maxBeta": schedule["maxBeta"], "predictionType": schedule["predictionType"],
            "timestepSpacing": "trailing", "timestepDtype": schedule["timestepDtype"]}


def _residual(described: dict) -> dict:
    """`residual` as the stage was trained (absent for stages that sample the frames themselves)."""
    return {"residual": described["residual"]} if described.get("residual") else {}


def _stage_entry(name: str, described: dict, weights: list, presets: dict) -> dict:
    """The manifest entry of a stage: network config, weights and the inference defaults."""
    entry = {"network": described["config"], "weights": weights}
    base, frames = presets["baseSize"], presets["numFrames"]
    if name in ("textEncoder", "imageEncoder"):
        return entry
    if name == "prior":
        return {**entry, "scheduler": _scheduler(described, "ddim"), "steps": 32, "guidanceScale": 1.0}
    unet = {**entry, "scheduler": _scheduler(described, "dpm-solver++"), "unconditionalVector": "zeros"}
    if name == "imageDecoder":
        return {**unet, "steps": 25, "guidanceScale": 3.0, "resolution": base}
    if name == "decoder":
        return {**unet, "steps": 25, "guidanceScale": 3.0, "resolution": base, "numFrames": frames, "fps": dict(FPS)}
    if name == "interpolation":
        # windows of (frames − 1)/skip + 1 keyframes span exactly the `frames` frames ↑F was trained on
        skip = min(FRAME_SKIP, frames - 1)  # the tiny smoke cascade has 4 keyframes
        # 10 steps: ↑F samples a residual over the blend of its known frames (quality report in the model card)
        return {**unet, "steps": 10, "guidanceScale": 1.0, "frameSkip": skip,
                "windowKeyframes": (frames - 1) // skip + 1, "frameConditioning": described.get("frameConditioning", "masked-frames-then-mask"),
                **_residual(described)}
    size = presets["srLowSize"] if name == "superResolutionLow" else presets["srHighSize"]
    # 8 steps: the SR stages sample a residual over their upsampled input (quality report in the model card)
    entry = {**unet, "steps": 8, "guidanceScale": 1.0, "resolution": size, "noiseLevel": SR_NOISE_LEVEL,
             "lowResUpsampling": described.get("lowResUpsampling", "bilinear-half-pixel"), **_residual(described)}
    if name == "superResolutionHigh":
        # SR_h runs per frame; chunks of 8 frames instead of all 76 in one batch: on 2 cores (onnxruntime-node)
        # 33 ms per frame and step instead of 57-66, and 0.43 GB peak RSS instead of 2.9 GB (one forward pass
        # of the default SR_h at 128²).
        entry["frameBatch"] = SR_HIGH_FRAME_BATCH
    return entry


def export_cascade(stages_folder: str, out: str, size: str = "default") -> dict:
    """Writes the cascade into `out` from `stages_folder/<stage>/export/*`; returns a summary."""
    presets = configs(size)
    os.makedirs(out, exist_ok=True)
    tokenizer = WordTokenizer(presets["textEncoder"]["maxLength"])
    with open(os.path.join(out, "tokenizer.json"), "w") as handle:
        json.dump(tokenizer.tokenizer_json(), handle, indent=1)
    stages: dict = {}
    missing: list[str] = []
    for name, (folder, network) in _NETWORKS.items():
        source = os.path.join(stages_folder, folder, "export")
        weights = os.path.join(source, f"{network}.safetensors")
        if not os.path.exists(weights):
            missing.append(name)
            continue
        with open(os.path.join(source, f"{network}.json")) as handle:
            described = json.load(handle)
        file_name = f"{name}.safetensors"
        shutil.copyfile(weights, os.path.join(out, file_name))
        files = [{"file": file_name, "sha256": _sha256(os.path.join(out, file_name))}]
        stages[name] = _stage_entry(name, described, files, presets)
    clip_dim = presets["textEncoder"]["embeddingDim"]
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "name": f"mav-shapes-{size}",
        "description": "The shapes world cascade trained by tooling/train.",
        "clipEmbeddingDim": clip_dim,
        # training passes every embedding between stages as √D · x/‖x‖ (models.clip.clip_scaled)
        "embeddings": {"normalize": "l2", "scale": math.sqrt(clip_dim)},
        "tokenizer": {"file": "tokenizer.json", "sha256": _sha256(os.path.join(out, "tokenizer.json")),
                      "startToken": START, "endToken": END, "padToken": PAD, "unknownToken": UNK},
        "stages": stages,
    }
    if missing:
        manifest["missing"] = missing
    with open(os.path.join(out, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=2)
    return {"out": out, "stages": sorted(stages), "missing": missing}
