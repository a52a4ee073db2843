"""mav_train: the shapes world and the training code of the mav cascade (PyTorch, CPU-friendly)."""
