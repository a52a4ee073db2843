"""Judges of the shapes world for @mav/quality: an attribute classifier per frame (shape, colour, size,
background), the reference clips real frames come from, and the evaluation prompt sets.

The classifier is declared again in TypeScript (`tooling/quality/src/judge/judge-network.ts`) with the same
tensor names; training writes its weights as safetensors next to that package (`tooling/quality/judges/`).
"""
