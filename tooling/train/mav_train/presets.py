"""Network configs per stage at two sizes: `default` (the shipped cascade) and `tiny` (smoke runs, tests)."""

from __future__ import annotations

from .tokenizer import WordTokenizer

STAGES = ("clip", "prior", "decoder", "decoder_video", "interpolation", "sr_low_image", "sr_low_video", "sr_high")


def _unet(size: str, **overrides) -> dict:
    if size == "tiny":
        base = {"inChannels": 3, "outChannels": 3, "sampleSize": 16, "baseChannels": 16, "channelMultipliers": [1, 2],
                "resBlocksPerLevel": 1, "attentionLevels": [1], "attentionHeads": 2, "normGroups": 4}
    else:
        base = {"inChannels": 3, "outChannels": 3, "sampleSize": 32, "baseChannels": 32,
                "channelMultipliers": [1, 2, 2, 2], "resBlocksPerLevel": 1, "attentionLevels": [2, 3],
                "attentionHeads": 4, "normGroups": 8}
    return {**base, "temporalLayers": False, **overrides}


def configs(size: str = "default") -> dict:
    """Every stage's network config(s) and data sizes."""
    if size not in ("default", "tiny"):
        raise ValueError(f"size must be 'default' or 'tiny', got {size!r}")
    tiny = size == "tiny"
    tokenizer = WordTokenizer(max_length=16)
    clip_dim = 32 if tiny else 64
    width = 32 if tiny else 64
    text = {"vocabSize": tokenizer.vocab_size, "maxLength": tokenizer.max_length, "width": width,
            "layers": 1 if tiny else 2, "heads": 2 if tiny else 4, "mlpRatio": 4, "embeddingDim": clip_dim,
            "endTokenId": tokenizer.end_id}
    base_size = 16 if tiny else 32
    image = {"imageSize": base_size, "patchSize": 4, "width": width, "layers": 1 if tiny else 2,
             "heads": 2 if tiny else 4, "mlpRatio": 4, "embeddingDim": clip_dim}
    prior = {"embeddingDim": clip_dim, "textWidth": width, "textLength": tokenizer.max_length,
             "width": 64 if tiny else 128, "layers": 1 if tiny else 3, "heads": 2 if tiny else 4, "mlpRatio": 4}
    # additive embedding conditioning (`train --scale-shift` trains AdaGN instead: measured worse, tooling/train README)
    decoder = _unet(size, conditioning={"vectorDim": clip_dim})
    decoder_video = {**decoder, "temporalLayers": True, "fpsConditioning": True}
    interpolation = {**decoder_video, "frameConditioningChannels": 4}
    if tiny:
        sr = {"inChannels": 3, "outChannels": 3, "baseChannels": 8, "channelMultipliers": [1, 2],
              "resBlocksPerLevel": 1, "attentionLevels": [], "midBlockAttention": False, "attentionHeads": 2,
              "normGroups": 4, "lowResolution": {"channels": 3}}
    else:
        sr = {"inChannels": 3, "outChannels": 3, "baseChannels": 16, "channelMultipliers": [1, 2, 2],
              "resBlocksPerLevel": 1, "attentionLevels": [], "midBlockAttention": False, "attentionHeads": 2,
              "normGroups": 4, "lowResolution": {"channels": 3}}
    sr_low_size, sr_high_size = base_size * 2, base_size * 4
    sr_low = {**sr, "sampleSize": sr_low_size, "temporalLayers": False}
    return {
        "size": size,
        "baseSize": base_size,
        "numFrames": 4 if tiny else 16,
        "textEncoder": text,
        "imageEncoder": image,
        "prior": prior,
        "decoder": decoder,
        "decoderVideo": decoder_video,
        "interpolation": interpolation,
        "srLowImage": sr_low,
        "srLowVideo": {**sr_low, "temporalLayers": True},
        "srHigh": {**sr, "sampleSize": sr_high_size, "temporalLayers": False},
        "srLowSize": sr_low_size,
        "srHighSize": sr_high_size,
    }
