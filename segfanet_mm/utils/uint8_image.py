"""Network outputs in [0, 1] as the 8-bit images that get saved."""
import numpy as np
import torch


def to_uint8_image(data: torch.Tensor) -> np.ndarray:
    """(C, H, W) float in [0, 1] -> H x W (C = 1) or H x W x C uint8,
    ``round(255 * clamp(x, 0, 1))``."""
    arr = data.detach().float().clamp(0, 1).mul(255).round().byte().cpu()
    arr = arr.numpy()
    return arr[0] if arr.shape[0] == 1 else arr.transpose(1, 2, 0)
