"""The judges of @mav/quality: the classifier's layout and export, its training frames, the reference clips,
the prompt sets, and the committed weights' accuracy on eval-split stills."""

import json
import os
import tempfile
import unittest

import numpy as np
import torch

from mav_train.judges.clips import reference_clip, render_requests, write_requests
from mav_train.judges.frames import RESOLUTIONS, TRAIN_CROP, evaluation_set, training_frame, training_set
from mav_train.judges.locate import CROP_SIZE, crop, locate
from mav_train.judges.network import ATTRIBUTES, CHANNELS, LABELS, Judge, folded_judge
from mav_train.judges.prompt_set import PROMPT_SETS
from mav_train.judges.train import accuracy, train_judge
from mav_train.runtime import configure_threads
from mav_train.safetensors_io import load_safetensors
from mav_train.world import (
    BACKGROUNDS,
    COLOURS,
    HELD_OUT_COMBINATIONS,
    SHAPES,
    SIZES,
    ShapeObject,
    image_spec,
    render,
    render_clip,
)

QUALITY = os.path.join(os.path.dirname(__file__), "..", "..", "quality")


class JudgeNetworkTest(unittest.TestCase):
    def test_labels_are_the_world_tables_in_order(self):
        self.assertEqual(LABELS, {"shape": list(SHAPES), "colour": list(COLOURS), "size": list(SIZES),
                                  "background": list(BACKGROUNDS)})
        self.assertEqual(ATTRIBUTES, ("shape", "colour", "size", "background"))

    def test_folding_batch_norm_keeps_the_function(self):
        torch.manual_seed(1)
        model = Judge()
        model.train()
        for _ in range(3):  # move the running statistics off their start
            model(torch.randn(16, 3, CROP_SIZE, CROP_SIZE))
        model.eval()
        pixels = torch.rand(4, 3, CROP_SIZE, CROP_SIZE) * 2 - 1
        folded = folded_judge(model.folded_state_dict())
        with torch.no_grad():
            features, logits = model(pixels)
            folded_features, folded_logits = folded(pixels)
        self.assertLess(float((features - folded_features).abs().max()), 1e-5)
        for name in ATTRIBUTES:
            self.assertLess(float((logits[name] - folded_logits[name]).abs().max()), 1e-5)
        names = set(model.folded_state_dict())
        self.assertIn(f"conv{len(CHANNELS)}.weight", names)
        self.assertFalse(any(name.startswith("norm") for name in names))


class JudgeFramesTest(unittest.TestCase):
    def test_training_frames_are_deterministic_and_cover_held_out_pairs(self):
        frame, label = training_frame(5)
        again, label_again = training_frame(5)
        np.testing.assert_array_equal(frame, again)
        self.assertEqual(label, label_again)
        self.assertEqual(frame.shape, (3, TRAIN_CROP, TRAIN_CROP))
        frames, labels = training_set(400)
        self.assertEqual(frames.dtype, torch.uint8)
        pairs = {(SHAPES[int(s)], tuple(COLOURS)[int(c)]) for s, c in labels[:, :2].tolist()}
        self.assertTrue(pairs & HELD_OUT_COMBINATIONS)

    def test_evaluation_frames_are_the_eval_split_area_downsampled(self):
        pixels, labels = evaluation_set(3, 128)
        self.assertEqual(tuple(pixels.shape), (3, 3, CROP_SIZE, CROP_SIZE))
        spec = image_spec(2, "eval")
        self.assertEqual(labels[2].tolist(), [SHAPES.index(spec.shape), list(COLOURS).index(spec.colour),
                                              list(SIZES).index(spec.size), list(BACKGROUNDS).index(spec.background)])


class LocatorTest(unittest.TestCase):
    def test_locates_a_disc_over_a_gradient_and_nothing_on_a_bare_background(self):
        frame = render([ShapeObject("circle", COLOURS["cyan"], 0.3, 0.62, 0.15)], "sky", 64)
        found, x, y, area = locate(frame)
        self.assertTrue(found)
        self.assertAlmostEqual(x, 0.3, places=2)
        self.assertAlmostEqual(y, 0.62, places=2)
        self.assertAlmostEqual(area, np.pi * 0.15**2, places=2)
        self.assertFalse(locate(render([], "gray", 32))[0])

    def test_a_centred_crop_is_the_middle_window(self):
        frame = np.random.default_rng(0).random((3, 32, 32)).astype(np.float32)
        np.testing.assert_allclose(crop(frame, 0.5, 0.5, 24), frame[:, 4:28, 4:28], atol=1e-6)
        # past the edge the border pixels repeat
        np.testing.assert_allclose(crop(frame, 0.0, 0.5, 24)[:, :, :12], np.repeat(frame[:, 4:28, :1], 12, axis=2), atol=1e-6)


class ReferenceClipTest(unittest.TestCase):
    def test_keyframes_are_every_skip_th_interpolated_frame(self):
        spec, start = reference_clip("star", "blue", "large", "sky", seed=3)
        keyframes = render_clip(spec, 4, 4, 32, start)
        interpolated = render_clip(spec, 20, 16, 32, start)
        np.testing.assert_allclose(keyframes, interpolated[:, ::5], atol=1e-6)
        self.assertEqual(spec.objects[0].radius, SIZES["large"])
        self.assertIn(spec.motion, ("linear", "gravity"))

    def test_variants_differ_and_the_object_stays_inside(self):
        first, _ = reference_clip("ring", "orange", "large", "black", seed=9, variant=1)
        second, _ = reference_clip("ring", "orange", "large", "black", seed=9, variant=2)
        self.assertNotEqual(first, second)
        for seed in range(40):
            spec, start = reference_clip("square", "red", "large", "white", seed=seed)
            for time in np.linspace(start, start + 8, 33):
                obj = spec.at(float(time))[0]
                self.assertGreaterEqual(obj.y - obj.radius, -1e-9)
                self.assertLessEqual(obj.y + obj.radius, 1 + 1e-9)

    def test_requests_render_clips_and_eval_stills(self):
        requests = {"format": "mav-judge-clips", "version": 1,
                    "clips": [{"key": "a", "shape": "heart", "colour": "green", "size": "small", "background": "gray",
                               "seed": 1, "variant": 0, "fps": 150, "numFrames": 3, "resolution": 16}],
                    "stills": [{"key": "s", "seed": 4, "resolution": 16}]}
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "requests.json")
            with open(path, "w", encoding="utf-8") as handle:
                json.dump(requests, handle)
            self.assertEqual(write_requests(path, os.path.join(folder, "out.safetensors")), 2)
            tensors, metadata = load_safetensors(os.path.join(folder, "out.safetensors"))
        self.assertEqual(tuple(tensors["a"].shape), (3, 3, 16, 16))
        self.assertEqual(tensors["a"].dtype, torch.uint8)
        attributes = json.loads(metadata["attributes"])
        self.assertEqual(attributes["s"]["shape"], image_spec(4, "eval").shape)
        with self.assertRaises(ValueError):
            render_requests({"format": "mav-judge-clips", "version": 1,
                             "clips": [{**requests["clips"][0], "shape": "blob"}]})


class PromptSetTest(unittest.TestCase):
    def test_committed_prompt_sets_are_the_generator_output(self):
        for name, build in PROMPT_SETS.items():
            with open(os.path.join(QUALITY, "prompts", f"{name}.json"), encoding="utf-8") as handle:
                self.assertEqual(json.load(handle), build(), f"prompts/{name}.json: rerun `python3 -m mav_train.judges prompts`")

    def test_held_out_flags_and_balance(self):
        for build in PROMPT_SETS.values():
            items = build()["items"]
            for item in items:
                self.assertEqual(item["heldOut"], (item["shape"], item["colour"]) in HELD_OUT_COMBINATIONS)
                self.assertTrue(1 <= item["fps"] <= 30)
            self.assertEqual({item["shape"] for item in items}, set(SHAPES))


class AblationTest(unittest.TestCase):
    def test_random_arm_keeps_the_image_weights_and_redraws_the_temporal_ones(self):
        from mav_train.judges.ablation import random_temporal_state
        from mav_train.models.unet import UNet, image_config_of, inflate_state_dict
        from mav_train.presets import configs

        video_config = configs("tiny")["decoderVideo"]
        torch.manual_seed(3)
        image_state = UNet(image_config_of(video_config)).state_dict()
        identity = inflate_state_dict(image_state, video_config, seed=0)
        random = random_temporal_state(image_state, video_config, seed=0)
        self.assertEqual(set(identity), set(random))
        temporal = [name for name in identity if name not in image_state]
        self.assertTrue(any(name.endswith("temporal_conv.weight") for name in temporal))
        for name in image_state:
            self.assertTrue(torch.equal(identity[name], random[name]), name)
        conv = next(name for name in temporal if name.endswith("temporal_conv.weight"))
        self.assertFalse(torch.equal(identity[conv], random[conv]))
        # a fresh layer's default initialisation, not the dirac kernel
        self.assertLess(float(random[conv][:, :, 1].diagonal().mean()), 0.5)


class JudgeTrainingTest(unittest.TestCase):
    def test_a_short_run_writes_the_judge_files(self):
        configure_threads()
        with tempfile.TemporaryDirectory() as folder:
            description = train_judge(folder, count=64, steps=4, batch=16, eval_count=8, log=lambda line: None)
            tensors, _ = load_safetensors(os.path.join(folder, "judge.safetensors"))
            with open(os.path.join(folder, "judge.json"), encoding="utf-8") as handle:
                written = json.load(handle)
        self.assertEqual(written, description)
        self.assertEqual(written["format"], "mav-judge")
        self.assertEqual(set(written["evaluation"]["accuracy"]), {str(size) for size in RESOLUTIONS})
        self.assertEqual(sum(t.numel() for t in tensors.values()), written["parameters"])

    def test_committed_judge_is_accurate_on_eval_stills(self):
        tensors, _ = load_safetensors(os.path.join(QUALITY, "judges", "judge.safetensors"))
        model = folded_judge(tensors)
        for resolution in (32, 128):
            pixels, labels = evaluation_set(200, resolution)
            for name, value in accuracy(model, pixels, labels).items():
                self.assertGreaterEqual(value, 0.98, f"{name} at {resolution}²")
