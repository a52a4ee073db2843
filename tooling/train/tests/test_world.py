import unittest

import numpy as np

from mav_train.world import (
    HELD_OUT_COMBINATIONS,
    MOTIONS,
    SHAPES,
    ShapeObject,
    image_spec,
    render,
    render_clip,
    render_image,
    video_spec,
)


class WorldTest(unittest.TestCase):
    def test_images_are_deterministic_per_seed_and_split(self):
        a, b = image_spec(7), image_spec(7)
        self.assertEqual(a, b)
        np.testing.assert_array_equal(render_image(a, 32), render_image(b, 32))
        self.assertNotEqual(image_spec(7), image_spec(8))
        self.assertNotEqual(image_spec(7, "train"), image_spec(7, "eval"))

    def test_held_out_combinations_only_in_eval(self):
        train = {(s.shape, s.colour) for s in map(image_spec, range(3000))}
        self.assertFalse(train & HELD_OUT_COMBINATIONS)
        self.assertEqual(len(train), 8 * 8 - len(HELD_OUT_COMBINATIONS))
        evaluation = {(s.shape, s.colour) for s in (image_spec(i, "eval") for i in range(3000))}
        self.assertTrue(HELD_OUT_COMBINATIONS <= evaluation)

    def test_captions_name_the_shape_and_colour(self):
        from mav_train.world.captions import COLOUR_WORDS, SHAPE_WORDS

        for seed in range(200):
            spec = image_spec(seed)
            words = spec.caption.split()
            self.assertTrue(any(w in words for w in SHAPE_WORDS[spec.shape]), spec.caption)
            self.assertTrue(any(w in words for w in COLOUR_WORDS[spec.colour]), spec.caption)
        self.assertGreater(len({image_spec(seed).caption for seed in range(200)}), 100)

    def test_contrastive_groups_are_hard_negatives(self):
        from mav_train.data import contrastive_batch, contrastive_specs
        from mav_train.tokenizer import WordTokenizer
        from mav_train.world.captions import SHAPE_WORDS

        seeds = list(range(500, 564))
        pixels, ids, captions = contrastive_batch(seeds, 16, WordTokenizer(16))
        self.assertEqual(tuple(pixels.shape), (64, 3, 16, 16))
        self.assertEqual(len(captions), 64)
        again = contrastive_batch(seeds, 16, WordTokenizer(16))
        self.assertTrue(bool((again[0] == pixels).all()) and bool((again[1] == ids).all()))
        for start in range(0, 64, 8):
            specs = contrastive_specs(seeds[start : start + 8])
            self.assertEqual([s.caption for s in specs], captions[start : start + 8])
            self.assertEqual(len({(s.colour, s.background) for s in specs}), 1)
            shapes = [s.shape for s in specs]
            self.assertEqual(len(set(shapes)), 7)  # each colour has one held-out shape; the 8th repeats one
            self.assertFalse({(s.shape, s.colour) for s in specs} & HELD_OUT_COMBINATIONS)
            for spec in specs:
                self.assertTrue(any(w in spec.caption.split() for w in SHAPE_WORDS[spec.shape]), spec.caption)

    def test_shapes_are_anti_aliased_and_distinct(self):
        images = {}
        for shape in SHAPES:
            image = render([ShapeObject(shape, (1.0, 1.0, 1.0), 0.5, 0.5, 0.35)], "black", 64)
            coverage = (image[0] - image[0].min()) / (1.0 - image[0].min())
            fractional = np.mean((coverage > 0.05) & (coverage < 0.95))
            self.assertGreater(fractional, 0.005, shape)  # soft edges
            self.assertGreater(coverage.mean(), 0.05, shape)
            images[shape] = coverage
        for first in SHAPES:
            for second in SHAPES:
                if first < second:
                    self.assertGreater(np.abs(images[first] - images[second]).mean(), 0.02, (first, second))

    def test_resolutions_agree(self):
        spec = image_spec(3)
        high = render_image(spec, 64)
        low = render_image(spec, 32)
        pooled = high.reshape(3, 32, 2, 32, 2).mean(axis=(2, 4))
        self.assertLess(np.abs(pooled - low).mean(), 0.02)

    def test_video_is_continuous_time(self):
        for seed in range(10):
            spec = video_spec(seed)
            at_ten = render_clip(spec, 10.0, 5, 32)
            at_five = render_clip(spec, 5.0, 3, 32)
            # frame 2 at 10 fps and frame 1 at 5 fps are both t = 0.2 s
            np.testing.assert_allclose(at_ten[:, 2], at_five[:, 1], atol=1e-6)

    def test_lower_fps_means_more_motion(self):
        slow, fast = [], []
        for seed in range(30):
            spec = video_spec(seed)
            slow.append(np.abs(np.diff(render_clip(spec, 30.0, 8, 32), axis=1)).mean())
            fast.append(np.abs(np.diff(render_clip(spec, 2.0, 8, 32), axis=1)).mean())
        self.assertGreater(np.mean(fast), 3 * np.mean(slow))

    def test_every_motion_appears_and_objects_stay_in_frame(self):
        seen = set()
        for seed in range(100):
            spec = video_spec(seed)
            seen.add(spec.motion)
            self.assertEqual(len(spec.objects), 2 if spec.motion == "two_objects" else 1)
            for time in np.linspace(0, 30, 61):
                for obj in spec.at(float(time)):
                    self.assertTrue(obj.radius * 0.99 <= obj.x <= 1 - obj.radius * 0.99, (spec.motion, time))
                    self.assertTrue(obj.radius * 0.99 <= obj.y <= 1 - obj.radius * 0.99 + 1e-9, (spec.motion, time))
        self.assertEqual(seen, set(MOTIONS))


if __name__ == "__main__":
    unittest.main()
