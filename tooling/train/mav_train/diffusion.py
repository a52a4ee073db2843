"""The one diffusion schedule of the cascade (recorded in every exported config and the manifest).

squared-cosine β (Nichol & Dhariwal 2021, eq. 17, β capped at 0.999), T = 1000 training timesteps,
timesteps fed to the networks as float32 t ∈ {0 … 999}. The UNets (D, D^t, ↑F, SR) predict v
(Salimans & Ho 2022: v = α_t ε − σ_t x_0); the prior predicts the clean embedding x_0 ("sample"), as in
DALL·E 2. Noise augmentation of super-resolution inputs uses the same ᾱ: x_aug = √ᾱ_s x + √(1−ᾱ_s) ε.
This is `betaSchedule({ kind: 'squared-cosine' })` of @mav/diffusion.
"""

from __future__ import annotations

import math

import torch

NUM_TRAIN_TIMESTEPS = 1000


def schedule_record(prediction_type: str) -> dict:
    """The schedule as written into configs and the manifest (@mav/diffusion option names)."""
    return {"betaSchedule": "squared-cosine", "numTrainTimesteps": NUM_TRAIN_TIMESTEPS, "maxBeta": 0.999,
            "predictionType": prediction_type, "timestepDtype": "float32"}


def alphas_cumulative(num_train_timesteps: int = NUM_TRAIN_TIMESTEPS) -> torch.Tensor:
    """ᾱ_t for t < T, float64."""
    def alpha_bar(fraction: float) -> float:
        return math.cos((fraction + 0.008) / 1.008 * math.pi / 2) ** 2

    betas = [min(1 - alpha_bar((t + 1) / num_train_timesteps) / alpha_bar(t / num_train_timesteps), 0.999)
             for t in range(num_train_timesteps)]
    return torch.cumprod(1 - torch.tensor(betas, dtype=torch.float64), dim=0)


class Diffusion:
    """Noising and training targets for one prediction type."""

    def __init__(self, prediction_type: str = "v"):
        if prediction_type not in ("v", "epsilon", "sample"):
            raise ValueError(f"prediction_type must be 'v', 'epsilon' or 'sample', got {prediction_type!r}")
        self.prediction_type = prediction_type
        self.alphas_cumulative = alphas_cumulative()

    def coefficients(self, timesteps: torch.Tensor, ndim: int) -> tuple[torch.Tensor, torch.Tensor]:
        a = self.alphas_cumulative[timesteps.long()].to(torch.float32)
        shape = (-1,) + (1,) * (ndim - 1)
        return a.sqrt().reshape(shape), (1 - a).sqrt().reshape(shape)

    def add_noise(self, x0: torch.Tensor, noise: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:
        alpha, sigma = self.coefficients(timesteps, x0.dim())
        return alpha * x0 + sigma * noise

    def target(self, x0: torch.Tensor, noise: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:
        if self.prediction_type == "epsilon":
            return noise
        if self.prediction_type == "sample":
            return x0
        alpha, sigma = self.coefficients(timesteps, x0.dim())
        return alpha * noise - sigma * x0

    def predict_x0(self, model_output: torch.Tensor, x_t: torch.Tensor, timesteps: torch.Tensor) -> torch.Tensor:
        alpha, sigma = self.coefficients(timesteps, x_t.dim())
        if self.prediction_type == "sample":
            return model_output
        if self.prediction_type == "epsilon":
            return (x_t - sigma * model_output) / alpha
        return alpha * x_t - sigma * model_output

    @torch.no_grad()
    def sample_ddim(self, predict, shape: tuple[int, ...], steps: int, generator: torch.Generator) -> torch.Tensor:
        """Deterministic DDIM (η = 0) with `linspace` timesteps from T−1 to 0; `predict(x, t)` gives the model output."""
        x = torch.randn(shape, generator=generator)
        timesteps = torch.linspace(NUM_TRAIN_TIMESTEPS - 1, 0, steps).round().long()
        for index, t in enumerate(timesteps):
            t_batch = t.repeat(shape[0])
            output = predict(x, t_batch.to(torch.float32))
            x0 = self.predict_x0(output, x, t_batch)
            alpha, sigma = self.coefficients(t_batch, x.dim())
            eps = (x - alpha * x0) / sigma
            if index + 1 < len(timesteps):
                a_next, s_next = self.coefficients(timesteps[index + 1].repeat(shape[0]), x.dim())
                x = a_next * x0 + s_next * eps
            else:
                x = x0
        return x
