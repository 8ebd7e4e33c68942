"""Unsupervised fusion loss: intensity + gradient + structural similarity."""
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from kornia.filters import spatial_gradient
from kornia.metrics import ssim
from mmseg.registry import MODELS
from torch import Tensor


def sobel_magnitude(img: Tensor) -> Tensor:
    """``|G_x| + |G_y|`` with unnormalised 3x3 Sobel kernels (the convention
    under which the field's common weight ``w_grad = 10`` was tuned)."""
    grad = spatial_gradient(img, mode='sobel', normalized=False)
    return grad.abs().sum(dim=2)


@MODELS.register_module()
class FusionLoss(nn.Module):
    """Loss on fused luminance ``Y_f`` against IR and visible Y, all [0, 1]::

        loss_fus_int  = w_int  * L1(Y_f, max(IR, Y_vis))
        loss_fus_grad = w_grad * L1(|grad Y_f|, max(|grad IR|, |grad Y_vis|))
        loss_fus_ssim = w_ssim * (1 - (SSIM(Y_f, IR) + SSIM(Y_f, Y_vis)) / 2)

    ``|grad .|`` is :func:`sobel_magnitude`; SSIM is kornia's Gaussian-window
    SSIM (``ssim_window`` x ``ssim_window``, same padding) averaged over
    pixels. A term whose weight is 0 is neither computed nor returned.

    Args:
        w_int: intensity weight.
        w_grad: gradient (texture) weight.
        w_ssim: structural-similarity weight.
        ssim_window: SSIM Gaussian window size (odd).
    """

    def __init__(self,
                 w_int: float = 1.0,
                 w_grad: float = 10.0,
                 w_ssim: float = 1.0,
                 ssim_window: int = 11) -> None:
        super().__init__()
        self.w_int = w_int
        self.w_grad = w_grad
        self.w_ssim = w_ssim
        self.ssim_window = ssim_window

    def forward(self, fused: Tensor, ir: Tensor,
                vis_y: Tensor) -> Dict[str, Tensor]:
        """Return ``{'loss_fus_int', 'loss_fus_grad', 'loss_fus_ssim'}``.

        Args:
            fused: (B, 1, H, W) fused luminance.
            ir: (B, 1, H, W) infrared image.
            vis_y: (B, 1, H, W) visible luminance.
        """
        losses = {}
        if self.w_int:
            losses['loss_fus_int'] = self.w_int * F.l1_loss(
                fused, torch.maximum(ir, vis_y))
        if self.w_grad:
            target = torch.maximum(sobel_magnitude(ir), sobel_magnitude(vis_y))
            losses['loss_fus_grad'] = self.w_grad * F.l1_loss(
                sobel_magnitude(fused), target)
        if self.w_ssim:
            similarity = (ssim(fused, ir, self.ssim_window).mean() +
                          ssim(fused, vis_y, self.ssim_window).mean()) / 2
            losses['loss_fus_ssim'] = self.w_ssim * (1 - similarity)
        return losses
