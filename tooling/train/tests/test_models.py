import math
import os
import tempfile
import unittest

import torch

from mav_train.models.clip import ImageEncoder, Prior, TextEncoder, clip_scaled
from mav_train.models.unet import UNet, frame_position_table, image_config_of, inflate_state_dict, sinusoidal_embedding, widen_input_channels
from mav_train.presets import configs
from mav_train.safetensors_io import load_safetensors, save_safetensors
from mav_train.tokenizer import WordTokenizer


def per_frame(image_model, sample, timestep, **kwargs):
    """The image model applied to each frame of `[b c f h w]`."""
    b, c, f, h, w = sample.shape
    frames = sample.transpose(1, 2).reshape(b * f, c, 1, h, w)
    repeated = {k: v.repeat_interleave(f, 0) for k, v in kwargs.items()}
    out = image_model(frames, timestep.repeat_interleave(f), **repeated)
    return out.reshape(b, f, -1, h, w).transpose(1, 2)


class UNetTest(unittest.TestCase):
    def test_inflated_video_model_equals_image_model_per_frame(self):
        torch.manual_seed(0)
        video_config = configs("default")["decoderVideo"]
        image = UNet(image_config_of(video_config)).eval()
        video = UNet(video_config).eval()
        video.load_state_dict(inflate_state_dict(image.state_dict(), video_config, seed=3))
        sample = torch.randn(2, 3, 16, 32, 32)
        timestep = torch.tensor([999.0, 12.0])
        vector = torch.randn(2, 64)
        with torch.no_grad():
            expected = per_frame(image, sample, timestep, conditioning_vector=vector)
            actual = video(sample, timestep, fps=torch.tensor([2.0, 30.0]), conditioning_vector=vector)
        self.assertLess((actual - expected).abs().max().item(), 1e-4)
        self.assertGreater(expected.abs().max().item(), 0.1)
        # and the frames start to interact once the temporal layers move
        with torch.no_grad():
            for name, parameter in video.named_parameters():
                if "temporal_conv.weight" in name:
                    parameter.add_(0.05 * torch.randn_like(parameter))
            moved = video(sample, timestep, fps=torch.tensor([2.0, 30.0]), conditioning_vector=vector)
        self.assertGreater((moved - expected).abs().max().item(), 1e-3)

    def test_widened_interpolation_net_starts_as_the_video_net(self):
        torch.manual_seed(1)
        presets = configs("tiny")
        video = UNet(presets["decoderVideo"]).eval()
        interpolation = UNet(presets["interpolation"]).eval()
        interpolation.load_state_dict(widen_input_channels(video.state_dict(), 4, after=3))
        sample = torch.randn(1, 3, 4, 16, 16)
        arguments = dict(fps=torch.tensor([8.0]), conditioning_vector=torch.randn(1, 32))
        with torch.no_grad():
            a = video(sample, torch.tensor([300.0]), **arguments)
            b = interpolation(sample, torch.tensor([300.0]), frame_conditioning=torch.randn(1, 4, 4, 16, 16), **arguments)
        torch.testing.assert_close(a, b, atol=1e-5, rtol=0)

    def test_parameter_names_follow_the_naming_scheme(self):
        names = set(UNet(configs("default")["decoderVideo"]).state_dict())
        for expected in (
            "time_embedding.linear_1.weight", "fps_embedding.linear_2.bias", "cond_embedding.linear_1.weight",
            "conv_in.temporal_conv.weight", "down_blocks.0.resnets.0.conv1.temporal_conv.bias",
            "down_blocks.2.attentions.0.attn1.to_q.weight", "down_blocks.2.attentions.0.temporal_attention.to_out.bias",
            "down_blocks.0.downsamplers.0.conv.weight", "mid_block.attentions.0.temporal_norm.weight",
            "up_blocks.0.resnets.1.conv_shortcut.weight", "up_blocks.2.upsamplers.0.conv.weight", "conv_out.temporal_conv.weight",
        ):
            self.assertIn(expected, names)
        self.assertEqual(sum(p.numel() for p in UNet(configs("default")["decoderVideo"]).parameters()), 2029473)
        # scale-shift (AdaGN) doubles each res block's time_emb_proj: +103,200
        adagn = {**configs("default")["decoderVideo"], "embeddingScaleShift": True}
        self.assertEqual(sum(p.numel() for p in UNet(adagn).parameters()), 2132673)

    def test_embeddings_match_their_formulas(self):
        embedding = sinusoidal_embedding(torch.tensor([3.0]), 8)
        expected = [math.cos(3 * 10000 ** (-i / 4)) for i in range(4)] + [math.sin(3 * 10000 ** (-i / 4)) for i in range(4)]
        torch.testing.assert_close(embedding[0], torch.tensor(expected), atol=1e-6, rtol=0)
        table = frame_position_table(4, 3)
        self.assertAlmostEqual(table[1, 2].item(), math.cos(2 * 0.01), places=6)
        self.assertAlmostEqual(table[3, 2].item(), math.sin(2 * 0.01), places=6)


class ClipPriorTest(unittest.TestCase):
    def test_text_encoder_pools_at_the_end_token_and_is_causal(self):
        presets = configs("tiny")
        tokenizer = WordTokenizer(16)
        encoder = TextEncoder(presets["textEncoder"]).eval()
        a = torch.tensor([tokenizer.encode("a red star")])
        b = torch.tensor([tokenizer.encode("a red star on a gray background")])
        with torch.no_grad():
            (ea, sa), (eb, sb) = encoder(a), encoder(b)
        # causal: the shared prefix has the same states
        torch.testing.assert_close(sa[0, :4], sb[0, :4])
        self.assertGreater((ea - eb).abs().max().item(), 1e-4)
        with torch.no_grad():
            pooled = encoder.text_projection(sa[0, 4])
        torch.testing.assert_close(ea[0], pooled)

    def test_image_encoder_and_prior_shapes(self):
        presets = configs("tiny")
        image = ImageEncoder(presets["imageEncoder"])
        self.assertEqual(tuple(image(torch.randn(2, 3, 16, 16)).shape), (2, 32))
        prior = Prior(presets["prior"])
        out = prior(torch.randn(2, 32), torch.tensor([5.0, 900.0]), torch.randn(2, 32), torch.randn(2, 16, 32))
        self.assertEqual(tuple(out.shape), (2, 32))
        scaled = clip_scaled(torch.randn(3, 32))
        torch.testing.assert_close(scaled.norm(dim=-1), torch.full((3,), math.sqrt(32)))


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_and_layout(self):
        tensors = {"b.weight": torch.randn(3, 4), "a": torch.arange(5, dtype=torch.int64), "c": torch.randn(2, 1, 3).half()}
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "x.safetensors")
            save_safetensors(tensors, path, {"format": "pt"})
            loaded, metadata = load_safetensors(path)
            with open(path, "rb") as handle:
                raw = handle.read()
        self.assertEqual(metadata, {"format": "pt"})
        for name, tensor in tensors.items():
            torch.testing.assert_close(loaded[name], tensor)
        header_length = int.from_bytes(raw[:8], "little")
        self.assertEqual(header_length % 8, 0)
        self.assertEqual(len(raw), 8 + header_length + 12 * 4 + 5 * 8 + 6 * 2)


if __name__ == "__main__":
    unittest.main()
