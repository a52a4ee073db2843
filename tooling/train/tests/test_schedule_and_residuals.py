"""The learning-rate schedule of the full plan and the residual bases of ↑F and SR training."""

import unittest

import torch

from mav_train import data
from mav_train.trainer import TrainOptions, learning_rate, parameter_groups


class LearningRateTest(unittest.TestCase):
    def test_constant_without_a_decay_step(self):
        options = TrainOptions(out="unused", steps=100, batch=1, lr=1e-3)
        self.assertEqual({learning_rate(options, step) for step in (0, 50, 99)}, {1e-3})

    def test_constant_then_linear_to_zero_at_the_last_step(self):
        options = TrainOptions(out="unused", steps=100, batch=1, lr=1e-3, lr_decay_from=60)
        self.assertEqual(learning_rate(options, 0), 1e-3)
        self.assertEqual(learning_rate(options, 59), 1e-3)
        self.assertAlmostEqual(learning_rate(options, 60), 1e-3)
        self.assertAlmostEqual(learning_rate(options, 80), 0.5e-3)
        self.assertAlmostEqual(learning_rate(options, 99), 1e-3 / 40)
        self.assertAlmostEqual(learning_rate(options, 100), 0.0)

    def test_lr_scales_group_parameters_by_name_prefix(self):
        model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
        model[0].bias.requires_grad_(False)
        options = TrainOptions(out="unused", steps=10, batch=1, lr=1e-3, lr_scales=(("1.", 10.0),))
        groups = parameter_groups(model, options)
        self.assertEqual([group["lr_scale"] for group in groups], [1.0, 10.0])
        self.assertEqual([len(group["params"]) for group in groups], [1, 2])  # the frozen bias is left out
        self.assertIs(groups[1]["params"][0], model[1].weight)
        self.assertEqual(len(parameter_groups(model, TrainOptions(out="unused", steps=10, batch=1))), 1)

    def test_a_decay_step_past_the_end_keeps_the_rate(self):
        options = TrainOptions(out="unused", steps=100, batch=1, lr=1e-3, lr_decay_from=100)
        self.assertEqual(learning_rate(options, 99), 1e-3)


class BlendKnownFramesTest(unittest.TestCase):
    def setUp(self):
        self.frames = torch.randn(2, 3, 11, 2, 2, generator=torch.Generator().manual_seed(0))

    def test_interpolation_blends_neighbours_by_position(self):
        mask = torch.zeros(2, 11)
        mask[:, ::5] = 1
        blend = data.blend_known_frames(self.frames, mask)
        f = self.frames
        torch.testing.assert_close(blend[:, :, 2], 0.6 * f[:, :, 0] + 0.4 * f[:, :, 5])
        torch.testing.assert_close(blend[:, :, 9], 0.2 * f[:, :, 5] + 0.8 * f[:, :, 10])
        for known in (0, 5, 10):
            self.assertTrue(torch.equal(blend[:, :, known], f[:, :, known]))

    def test_holds_the_first_and_last_known_frames(self):
        mask = torch.zeros(2, 11)
        mask[0, [3, 5]] = 1  # extrapolation-like, starting late
        mask[1, 0] = 1  # animation
        blend = data.blend_known_frames(self.frames, mask)
        f = self.frames
        for frame in (0, 1, 2):
            self.assertTrue(torch.equal(blend[0, :, frame], f[0, :, 3]))
        for frame in range(6, 11):
            self.assertTrue(torch.equal(blend[0, :, frame], f[0, :, 5]))
        torch.testing.assert_close(blend[0, :, 4], 0.5 * f[0, :, 3] + 0.5 * f[0, :, 5])
        for frame in range(11):
            self.assertTrue(torch.equal(blend[1, :, frame], f[1, :, 0]))

    def test_matches_the_training_masks_of_every_mode(self):
        rng = __import__("numpy").random.default_rng(0)
        for _ in range(20):
            mask, mode, _skip = data.frame_mask(16, rng)
            frames = torch.randn(1, 3, 16, 1, 1)
            blend = data.blend_known_frames(frames, torch.tensor(mask)[None])
            known = mask > 0
            self.assertTrue(torch.equal(blend[0, :, known], frames[0, :, known]), mode)

    def test_needs_a_known_frame(self):
        with self.assertRaises(ValueError):
            data.blend_known_frames(self.frames, torch.zeros(2, 11))


if __name__ == "__main__":
    unittest.main()
