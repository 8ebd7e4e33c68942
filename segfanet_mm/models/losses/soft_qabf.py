"""Differentiable Qabf: the edge-preservation metric as a training signal."""
import math
from typing import Tuple

import torch
import torch.nn.functional as F
from kornia.filters import get_sobel_kernel2d
from torch import Tensor

from ...utils.petrovic_constants import D_A, D_G, K_A, K_G, T_A, T_G


def _strength_orientation(x: Tensor, eps: float) -> Tuple[Tensor, Tensor]:
    """Sobel strength ``sqrt(sx^2 + sy^2 + eps^2)`` and orientation
    ``atan(sy / sx)`` of every channel, zero padding as the metric's."""
    kernels = get_sobel_kernel2d(device=x.device, dtype=x.dtype)[:, None]
    b, c, h, w = x.shape
    sx, sy = F.conv2d(
        x.reshape(b * c, 1, h, w), kernels, padding=1).reshape(b, c, 2, h,
                                                               w).unbind(dim=2)
    strength = (sx * sx + sy * sy + eps * eps).sqrt()
    # atan(sy / sx) tends to +-pi/2 as sx -> 0; a floor of eps on |sx|
    # (positive sign at 0, as the metric's pi/2 rule) keeps it finite.
    sx = torch.where(sx.abs() < eps, eps, sx)
    return strength, torch.atan(sy / sx)


def soft_qabf(fused: Tensor,
              ir: Tensor,
              vis: Tensor,
              eps: float = 1e-6) -> Tensor:
    r"""Qabf (Xydeas & Petrović) of each image, differentiable in ``fused``.

    The same formula and constants as
    :func:`segfanet_mm.evaluation.functional.qabf`:

    .. math::
        Q^{AB/F} = \frac{\sum (Q_{AF}\,g_A + Q_{BF}\,g_B)}{\sum (g_A + g_B)},
        \quad Q_{XF} = \frac{T_g}{1+e^{k_g(G_{XF}-D_g)}}
                       \frac{T_a}{1+e^{k_a(A_{XF}-D_a)}}

    with ``G_XF = min(g_X, g_F) / max(g_X, g_F)`` and
    ``A_XF = 1 - |alpha_X - alpha_F| / (pi / 2)``, written with autograd-
    friendly operations (the metric's are in place and blockwise). It asks
    every source edge to reappear in ``F`` with the *same* strength and
    orientation, weighted by its strength, which a gradient L1 to the
    stronger source does not: Qabf also scores the weaker source's edges and
    penalises an edge made stronger than the source's as much as a weaker
    one. Scale-free, so images may be in [0, 1] or [0, 255].

    Args:
        fused: (B, 1, H, W) fused image.
        ir: (B, 1, H, W) infrared image.
        vis: (B, 1, H, W) visible grey image.
        eps: floor that keeps the strength and orientation differentiable
            where the gradient vanishes.

    Returns:
        (B,) Qabf in [0, 1].
    """
    g, alpha = _strength_orientation(torch.cat([ir, vis, fused], dim=1), eps)
    g_x, g_f = g[:, :2], g[:, 2:]
    ratio = torch.minimum(g_x, g_f) / torch.maximum(g_x, g_f)
    angle = 1 - (alpha[:, :2] - alpha[:, 2:]).abs() * (2 / math.pi)
    q = T_G * torch.sigmoid(-K_G *
                            (ratio - D_G)) * T_A * torch.sigmoid(-K_A *
                                                                 (angle - D_A))
    return (q * g_x).sum((1, 2, 3)) / g_x.sum((1, 2, 3))
