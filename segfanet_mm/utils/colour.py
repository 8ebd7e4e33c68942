"""Colour helpers shared by the model, the classical baselines and tools."""
import torch
from kornia.color import rgb_to_ycbcr, ycbcr_to_rgb
from torch import Tensor


def luminance(rgb: Tensor) -> Tensor:
    """BT.601 luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` of (B, 3, H, W)
    RGB in [0, 1], as (B, 1, H, W)."""
    return rgb_to_ycbcr(rgb)[:, :1]


def replace_luminance(rgb: Tensor, y: Tensor) -> Tensor:
    """RGB whose BT.601 luminance is ``y`` and whose chrominance (Cb, Cr) is
    that of ``rgb``: how a grey fused image gets the visible image's colour.

    Args:
        rgb: (B, 3, H, W) visible RGB in [0, 1].
        y: (B, 1, H, W) new luminance in [0, 1].
    """
    return ycbcr_to_rgb(torch.cat([y, rgb_to_ycbcr(rgb)[:, 1:]], 1))
