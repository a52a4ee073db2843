"""The cascade's published JSON Schema (owned by @mav/cascade), which every exported manifest must satisfy."""

from __future__ import annotations

import json
import os

import jsonschema

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "..", "packages", "cascade", "schema",
                           "model-manifest.schema.json")


def validate_manifest(manifest: dict) -> None:
    """Raises `jsonschema.ValidationError` when `manifest` does not match the published schema."""
    with open(SCHEMA_PATH) as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator(schema).validate(manifest)


__all__ = ["jsonschema", "validate_manifest"]
