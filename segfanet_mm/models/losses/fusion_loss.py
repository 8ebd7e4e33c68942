"""Unsupervised fusion loss: intensity + gradient + structural similarity."""
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from kornia.filters import gaussian_blur2d, spatial_gradient
from kornia.metrics import ssim
from mmseg.registry import MODELS
from torch import Tensor

from .soft_mutual_information import soft_mutual_information
from .soft_qabf import soft_qabf


def sobel_magnitude(img: Tensor) -> Tensor:
    """``|G_x| + |G_y|`` with unnormalised 3x3 Sobel kernels (the convention
    under which the field's common weight ``w_grad = 10`` was tuned)."""
    grad = spatial_gradient(img, mode='sobel', normalized=False)
    return grad.abs().sum(dim=2)


def stronger_gradient(ir: Tensor, vis_y: Tensor) -> Tensor:
    """Per pixel, the Sobel gradient vector (B, 1, 2, H, W) of whichever
    source has the larger :func:`sobel_magnitude` there: the edge, with its
    orientation and polarity, that the fused image should carry."""
    grads = spatial_gradient(
        torch.cat([ir, vis_y], dim=1), mode='sobel', normalized=False)
    grad_ir, grad_vis = grads.split(1, dim=1)
    ir_stronger = grad_ir.abs().sum(
        2, keepdim=True) >= grad_vis.abs().sum(
            2, keepdim=True)
    return torch.where(ir_stronger, grad_ir, grad_vis)


def two_scale_target(ir: Tensor, vis_y: Tensor, sigma: float) -> Tensor:
    """Brighter base plus both sources' detail::

        T = max(G_s * IR, G_s * Y) + (IR - G_s * IR) + (Y - G_s * Y)

    with ``G_s`` a Gaussian of standard deviation ``sigma`` (reflect
    padding), clamped to [0, 1], the range of ``Y_f``. Unlike ``max(IR, Y)``,
    which drops the darker source's texture wherever the other is brighter
    (night scenes lose the visible image's detail under a warmer IR
    background), ``T`` keeps the texture of both.
    """
    size = 2 * int(3 * sigma + 0.5) + 1
    blur = gaussian_blur2d(
        torch.cat([ir, vis_y], dim=1), (size, size), (sigma, sigma),
        border_type='reflect')
    base_ir, base_vis = blur.split(1, dim=1)
    target = torch.maximum(base_ir, base_vis) + (ir - base_ir) + (
        vis_y - base_vis)
    return target.clamp(0, 1)


@MODELS.register_module()
class FusionLoss(nn.Module):
    """Loss on fused luminance ``Y_f`` against IR and visible Y, all [0, 1]::

        loss_fus_int  = w_int  * L1(Y_f, T)
        loss_fus_grad = w_grad * L1(|grad Y_f|, max(|grad IR|, |grad Y_vis|))
                    (or, signed: w_grad * L1(grad Y_f, stronger source's grad))
        loss_fus_ssim = w_ssim * (1 - (SSIM(Y_f, IR) + SSIM(Y_f, Y_vis)) / 2)
        loss_fus_mi   = w_mi   * (1 - (MI(Y_f, IR) / MI(IR, IR)
                                     + MI(Y_f, Y_vis) / MI(Y_vis, Y_vis)) / 2)
        loss_fus_qabf = w_qabf * (1 - Qabf(Y_f, IR, Y_vis))

    The intensity target ``T`` is ``max(IR, Y_vis)``, or with
    ``detail_sigma > 0`` the :func:`two_scale_target` (the brighter base with
    both sources' detail). ``|grad .|`` is :func:`sobel_magnitude`; with
    ``signed_gradient`` the gradient term compares the Sobel vectors
    themselves with :func:`stronger_gradient`, so an edge must also keep the
    orientation and polarity of the source it comes from (the magnitude form
    accepts a flipped or rotated edge of the right strength). SSIM is
    kornia's Gaussian-window SSIM (``ssim_window`` x ``ssim_window``, same
    padding) averaged over pixels. ``MI`` is :func:`soft_mutual_information`
    (a differentiable histogram estimate), normalised by each source's MI
    with itself so the term is about 0 when ``Y_f`` carries all of both
    sources' grey-level information; it asks that fused grey levels stay a
    function of the sources', which the other terms do not (they are
    local). ``Qabf`` is :func:`soft_qabf`, the edge-preservation metric
    itself: every edge of either source should reappear with the same
    strength and orientation. A term whose weight is 0 is neither computed
    nor returned.

    Args:
        w_int: intensity weight.
        w_grad: gradient (texture) weight.
        w_ssim: structural-similarity weight.
        ssim_window: SSIM Gaussian window size (odd).
        detail_sigma: Gaussian scale (pixels) that splits base from detail
            in the two-scale intensity target; 0 uses ``max(IR, Y_vis)``.
        signed_gradient: match gradient vectors instead of magnitudes.
        w_mi: mutual-information weight.
        mi_bins: histogram bins of the mutual-information estimate.
        w_qabf: edge-preservation (Qabf) weight.
    """

    def __init__(self,
                 w_int: float = 1.0,
                 w_grad: float = 10.0,
                 w_ssim: float = 1.0,
                 ssim_window: int = 11,
                 detail_sigma: float = 0.0,
                 signed_gradient: bool = False,
                 w_mi: float = 0.0,
                 mi_bins: int = 32,
                 w_qabf: float = 0.0) -> None:
        super().__init__()
        self.w_int = w_int
        self.w_grad = w_grad
        self.w_ssim = w_ssim
        self.ssim_window = ssim_window
        if detail_sigma < 0:
            raise ValueError(f'detail_sigma must be >= 0, got {detail_sigma}')
        self.detail_sigma = detail_sigma
        self.signed_gradient = signed_gradient
        self.w_mi = w_mi
        self.mi_bins = mi_bins
        self.w_qabf = w_qabf

    def _normalised_mi(self, fused: Tensor, ir: Tensor,
                       vis_y: Tensor) -> Tensor:
        """``(MI(Y_f, IR) / MI(IR, IR) + MI(Y_f, Y) / MI(Y, Y)) / 2``,
        averaged over the batch; the four estimates share one histogram
        call and one set of sampled pixels."""
        sources = torch.cat([ir, vis_y])
        mi = soft_mutual_information(
            torch.cat([fused, fused, sources]), torch.cat([sources, sources]),
            self.mi_bins)
        shared, own = mi.chunk(2)
        return (shared / own.clamp_min(1e-6)).mean()

    def _gradient_l1(self, fused: Tensor, ir: Tensor, vis_y: Tensor) -> Tensor:
        """Unweighted gradient term, magnitude or signed form."""
        if self.signed_gradient:
            grad = spatial_gradient(fused, mode='sobel', normalized=False)
            # Sum over the two components: the same scale as the magnitude
            # form, |G_x| + |G_y|, so w_grad keeps its meaning.
            return 2 * F.l1_loss(grad, stronger_gradient(ir, vis_y))
        target = sobel_magnitude(torch.cat([ir, vis_y], dim=1)).amax(
            1, keepdim=True)
        return F.l1_loss(sobel_magnitude(fused), target)

    def forward(self, fused: Tensor, ir: Tensor,
                vis_y: Tensor) -> Dict[str, Tensor]:
        """Return the terms with non-zero weight, named ``loss_fus_<term>``.

        Args:
            fused: (B, 1, H, W) fused luminance.
            ir: (B, 1, H, W) infrared image.
            vis_y: (B, 1, H, W) visible luminance.
        """
        losses = {}
        if self.w_int:
            target = two_scale_target(ir, vis_y, self.detail_sigma) \
                if self.detail_sigma else torch.maximum(ir, vis_y)
            losses['loss_fus_int'] = self.w_int * F.l1_loss(fused, target)
        if self.w_grad:
            losses['loss_fus_grad'] = self.w_grad * self._gradient_l1(
                fused, ir, vis_y)
        if self.w_ssim:
            similarity = (ssim(fused, ir, self.ssim_window).mean() +
                          ssim(fused, vis_y, self.ssim_window).mean()) / 2
            losses['loss_fus_ssim'] = self.w_ssim * (1 - similarity)
        if self.w_mi:
            losses['loss_fus_mi'] = self.w_mi * (
                1 - self._normalised_mi(fused, ir, vis_y))
        if self.w_qabf:
            losses['loss_fus_qabf'] = self.w_qabf * (
                1 - soft_qabf(fused, ir, vis_y).mean())
        return losses
