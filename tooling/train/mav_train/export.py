"""Assembles the cascade folder @mav/cascade loads: `manifest.json` (format `mav.cascade`, version 1),
`tokenizer.json` + `tokenizer_config.json`, and each stage's weights (safetensors) and config.

Stages that have not been trained yet are listed under `missing` instead of `stages`."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

from .diffusion import schedule_record
from .fixtures import tokenizer_config
from .presets import configs
from .tokenizer import WordTokenizer

MANIFEST_FORMAT = "mav.cascade"
MANIFEST_VERSION = 1

# stage name in the manifest -> (training stage folder, exported network, role)
_NETWORKS = {
    "textEncoder": ("clip", "text_encoder"),
    "imageEncoder": ("clip", "image_encoder"),
    "prior": ("prior", "prior"),
    "decoder": ("decoder_video", "decoder_video"),
    "imageDecoder": ("decoder", "decoder"),
    "interpolation": ("interpolation", "interpolation"),
    "superResolutionLow": ("sr_low_video", "sr_low_video"),
    "superResolutionHigh": ("sr_high", "sr_high"),
}


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _stage_defaults(name: str, presets: dict) -> dict:
    base, frames = presets["baseSize"], presets["numFrames"]
    if name == "prior":
        return {"scheduler": "ddim", "numInferenceSteps": 32, "guidanceScale": 1.0}
    if name in ("decoder", "imageDecoder"):
        return {"scheduler": "dpm-solver-multistep", "numInferenceSteps": 25, "guidanceScale": 3.0,
                "resolution": [base, base], "numFrames": frames if name == "decoder" else 1,
                "fps": {"default": 8, "min": 1, "max": 30}, "unconditionalVector": "zeros"}
    if name == "interpolation":
        return {"scheduler": "dpm-solver-multistep", "numInferenceSteps": 20, "guidanceScale": 1.0,
                "resolution": [base, base], "windowFrames": frames, "frameSkip": {"default": 5, "min": 1, "max": 5},
                "frameConditioning": "masked RGB (3) then mask (1)"}
    if name == "superResolutionLow":
        size = presets["srLowSize"]
        return {"scheduler": "dpm-solver-multistep", "numInferenceSteps": 20, "guidanceScale": 1.0,
                "inputResolution": [size // 2, size // 2], "resolution": [size, size], "noiseLevel": 100,
                "lowResUpsampling": "bilinear-half-pixel", "spatiotemporal": True}
    if name == "superResolutionHigh":
        size = presets["srHighSize"]
        return {"scheduler": "dpm-solver-multistep", "numInferenceSteps": 20, "guidanceScale": 1.0,
                "inputResolution": [size // 2, size // 2], "resolution": [size, size], "noiseLevel": 100,
                "lowResUpsampling": "bilinear-half-pixel", "perFrame": True, "sharedFrameNoise": True}
    return {}


def export_cascade(stages_folder: str, out: str, size: str = "default") -> dict:
    """Writes the cascade into `out` from `stages_folder/<stage>/export/*`; returns the manifest."""
    presets = configs(size)
    os.makedirs(out, exist_ok=True)
    tokenizer = WordTokenizer(presets["textEncoder"]["maxLength"])
    with open(os.path.join(out, "tokenizer.json"), "w") as handle:
        json.dump(tokenizer.tokenizer_json(), handle, indent=1)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as handle:
        json.dump(tokenizer_config(tokenizer), handle, indent=1)
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
        entry = {"kind": described["kind"], "config": described["config"],
                 "weights": [{"file": file_name, "sha256": _sha256(os.path.join(out, file_name)), "format": "safetensors"}]}
        if described["kind"] in ("unet", "prior"):
            entry["schedule"] = described.get("schedule") or schedule_record("v")
        entry.update(_stage_defaults(name, presets))
        stages[name] = entry
    manifest = {
        "format": MANIFEST_FORMAT,
        "version": MANIFEST_VERSION,
        "name": f"mav-shapes-{size}",
        "tokenizer": {"file": "tokenizer.json", "config": "tokenizer_config.json", "sha256": _sha256(os.path.join(out, "tokenizer.json")),
                      "maxLength": tokenizer.max_length, "padId": tokenizer.pad_id, "endTokenId": tokenizer.end_id},
        "clip": {"embeddingDim": presets["textEncoder"]["embeddingDim"], "embeddingScale": "sqrt(D) * l2normalize",
                 "imageSize": presets["imageEncoder"]["imageSize"]},
        "video": {"numFrames": presets["numFrames"], "baseResolution": presets["baseSize"],
                  "pixelRange": [-1, 1], "layout": "b c f h w"},
        "stages": stages,
        "missing": missing,
    }
    with open(os.path.join(out, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=2)
    return {"out": out, "stages": sorted(stages), "missing": missing}
