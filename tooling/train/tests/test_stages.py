"""Smoke runs of every stage at tiny sizes (losses must fall), resume, export and a 2-process torchrun."""

import json
import math
import os
import subprocess
import sys
import tempfile
import unittest

from mav_train.export import export_cascade
from mav_train.safetensors_io import load_safetensors
from mav_train.stages import run_stage

from .manifest_schema import jsonschema, validate_manifest

STEPS = 60
FINE_TUNES = {"decoder_video", "interpolation", "sr_low_video"}  # start from a trained net: smaller drops
CLIP_STEPS = 150  # contrastive learning leaves its chance level (ln 32) more slowly than diffusion losses fall
ORDER = [
    # stage, batch, needs clip, init stage
    ("clip", 32, False, None),  # 4 hard-negative groups of 8
    ("prior", 16, True, None),
    ("decoder", 8, True, None),
    ("decoder_video", 4, True, "decoder"),
    ("interpolation", 4, True, "decoder_video"),
    ("sr_low_image", 4, False, None),
    ("sr_low_video", 4, False, "sr_low_image"),
    ("sr_high", 4, False, None),
]


def mean(values):
    return sum(values) / len(values)


class StageSmokeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        cls.results = {}
        root = cls.folder.name
        for stage, batch, needs_clip, init in ORDER:
            cls.results[stage] = run_stage(
                stage, os.path.join(root, stage), "tiny", CLIP_STEPS if stage == "clip" else STEPS, batch,
                2e-3 if stage == "clip" else 1e-3,
                clip_dir=os.path.join(root, "clip") if needs_clip else None,
                init_dir=os.path.join(root, init) if init else None,
                ema_decay=0.9, checkpoint_every=20,
            )

    @classmethod
    def tearDownClass(cls):
        cls.folder.cleanup()

    def test_every_stage_loss_decreases(self):
        for stage, *_ in ORDER:
            losses = self.results[stage]["losses"]
            self.assertEqual(len(losses), CLIP_STEPS if stage == "clip" else STEPS, stage)
            first, last = mean(losses[:10]), mean(losses[-10:])
            # CLIP's 150 smoke steps vary from run to run (threaded float sums): last/first was 0.88-0.96 over
            # 8 runs; below 0.97 and below chance (ln 32 for batches of 32) still says it learned
            factor = 0.97 if stage in FINE_TUNES or stage == "clip" else 0.9
            if stage == "clip":
                self.assertLess(last, math.log(32), f"clip stayed at chance: {last:.4f}")
            self.assertLess(last, first * factor, f"{stage}: {first:.4f} -> {last:.4f}")

    def test_every_stage_logs_checkpoints_and_exports(self):
        root = self.folder.name
        exported = {"clip": ["text_encoder", "image_encoder"]}
        for stage, *_ in ORDER:
            folder = os.path.join(root, stage)
            with open(os.path.join(folder, "log.jsonl")) as handle:
                lines = [json.loads(line) for line in handle]
            self.assertEqual(lines[-1]["step"], (CLIP_STEPS if stage == "clip" else STEPS) - 1)
            self.assertTrue(os.path.exists(os.path.join(folder, "checkpoint.pt")))
            for name in exported.get(stage, [stage]):
                tensors, metadata = load_safetensors(os.path.join(folder, "export", f"{name}.safetensors"))
                self.assertEqual(metadata["format"], "pt")
                self.assertGreater(len(tensors), 5)

    def test_clip_probe_scores_the_trained_towers(self):
        from mav_train.probe import clip_probe

        result = clip_probe(os.path.join(self.folder.name, "clip"), count=1)
        self.assertEqual(result["probes"], 64)
        self.assertEqual(result["chance"], 0.125)
        for key in ("shapeRetrieval", "colourRetrieval"):
            self.assertTrue(0 <= result[key] <= 1, result)
            self.assertEqual(result[key] * 64, round(result[key] * 64))  # a count of hits

    def test_resume_continues_from_the_checkpoint(self):
        root = self.folder.name
        result = run_stage("sr_high", os.path.join(root, "sr_high"), "tiny", STEPS + 5, 4, 1e-3, ema_decay=0.9)
        self.assertEqual(len(result["losses"]), 5)
        with open(os.path.join(root, "sr_high", "log.jsonl")) as handle:
            steps = [json.loads(line)["step"] for line in handle]
        self.assertEqual(steps[-1], STEPS + 4)

    def test_export_writes_a_manifest_with_checksums(self):
        out = os.path.join(self.folder.name, "cascade")
        summary = export_cascade(self.folder.name, out, "tiny")
        self.assertEqual(summary["missing"], [])
        with open(os.path.join(out, "manifest.json")) as handle:
            manifest = json.load(handle)
        validate_manifest(manifest)
        self.assertEqual((manifest["format"], manifest["version"]), ("mav-cascade-manifest", 1))
        self.assertNotIn("missing", manifest)
        self.assertEqual(set(manifest["stages"]), {"textEncoder", "imageEncoder", "prior", "decoder", "imageDecoder",
                                                   "interpolation", "superResolutionLow", "superResolutionHigh"})
        decoder = manifest["stages"]["decoder"]
        self.assertEqual(decoder["scheduler"]["betaSchedule"], "squared-cosine")
        self.assertEqual(decoder["scheduler"]["maxBeta"], 0.999)
        self.assertEqual(decoder["scheduler"]["predictionType"], "v")
        self.assertEqual(manifest["stages"]["prior"]["scheduler"]["predictionType"], "sample")
        self.assertTrue(decoder["network"]["temporalLayers"])
        self.assertFalse(manifest["stages"]["imageDecoder"]["network"]["temporalLayers"])
        self.assertEqual(manifest["embeddings"], {"normalize": "l2", "scale": manifest["clipEmbeddingDim"] ** 0.5})
        interpolation = manifest["stages"]["interpolation"]
        window = (interpolation["windowKeyframes"] - 1) * interpolation["frameSkip"] + 1
        self.assertEqual(window, decoder["numFrames"])  # windows span the clip length ↑F was trained on
        # what the networks were trained to sample: residuals over what their inputs already say
        self.assertEqual(interpolation["residual"], "blended-known-frames")
        for name in ("superResolutionLow", "superResolutionHigh"):
            self.assertEqual(manifest["stages"][name]["residual"], "upsampled-input")
        self.assertNotIn("residual", decoder)
        import hashlib

        for entry in manifest["stages"].values():
            for weight in entry["weights"]:
                with open(os.path.join(out, weight["file"]), "rb") as handle:
                    self.assertEqual(hashlib.sha256(handle.read()).hexdigest(), weight["sha256"])
        self.assertTrue(os.path.exists(os.path.join(out, "tokenizer.json")))

    def test_a_partial_export_lists_the_missing_stages_and_validates(self):
        stages = os.path.join(self.folder.name, "partial")
        os.makedirs(stages)
        for folder in ("clip", "prior", "decoder"):
            os.symlink(os.path.join(self.folder.name, folder), os.path.join(stages, folder))
        out = os.path.join(self.folder.name, "partial-cascade")
        summary = export_cascade(stages, out, "tiny")
        with open(os.path.join(out, "manifest.json")) as handle:
            manifest = json.load(handle)
        validate_manifest(manifest)
        self.assertEqual(set(manifest["stages"]), {"textEncoder", "imageEncoder", "prior", "imageDecoder"})
        self.assertEqual(manifest["missing"], summary["missing"])
        self.assertEqual(set(manifest["missing"]), {"decoder", "interpolation", "superResolutionLow", "superResolutionHigh"})

    def test_the_published_schema_refuses_a_manifest_without_its_conventions(self):
        out = os.path.join(self.folder.name, "cascade-bad")
        export_cascade(self.folder.name, out, "tiny")
        with open(os.path.join(out, "manifest.json")) as handle:
            manifest = json.load(handle)
        del manifest["embeddings"]
        del manifest["stages"]["decoder"]["scheduler"]["predictionType"]
        with self.assertRaises(jsonschema.ValidationError):
            validate_manifest(manifest)


class DistributedTest(unittest.TestCase):
    def test_two_processes_on_cpu_with_gloo(self):
        with tempfile.TemporaryDirectory() as folder:
            command = [sys.executable, "-m", "mav_train.launch", "--nproc", "2", "train", "sr_high", "--size", "tiny", "--steps", "6", "--batch", "2",
                       "--out", os.path.join(folder, "run")]
            env = {**os.environ, "MAV_TORCH_THREADS": "1", "OMP_NUM_THREADS": "1"}
            completed = subprocess.run(command, cwd=os.path.dirname(os.path.dirname(__file__)), env=env,
                                       capture_output=True, text=True, timeout=300)
            self.assertEqual(completed.returncode, 0, completed.stderr[-3000:])
            summary = json.loads(completed.stdout.strip().splitlines()[-1])
            self.assertEqual(summary["stage"], "sr_high")
            tensors, _ = load_safetensors(os.path.join(folder, "run", "export", "sr_high.safetensors"))
            self.assertIn("conv_in.weight", tensors)


if __name__ == "__main__":
    unittest.main()
