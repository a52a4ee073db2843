"""PyTorch modules mirroring @mav/p3d-layers (same configs, same tensor names)."""
