"""Process-wide torch settings: thread count from MAV_TORCH_THREADS (default 2)."""

from __future__ import annotations

import os

import torch


def configure_threads() -> int:
    """Sets torch's intra-op threads from `MAV_TORCH_THREADS` (default 2); returns the count."""
    threads = int(os.environ.get("MAV_TORCH_THREADS", "2"))
    if threads < 1:
        raise ValueError(f"MAV_TORCH_THREADS must be a positive integer, got {threads}")
    torch.set_num_threads(threads)
    return threads
