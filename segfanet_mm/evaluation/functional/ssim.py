"""SSIM of the fused image against each source (Wang et al., 2004).

Convention (fixture README): 7x7 uniform window, sample (co)variances
(local variance times 49/48), K1 = 0.01, K2 = 0.03, data range L = 2 on
0..255 values, mean over the pixels whose window lies inside the image
(3-pixel border excluded) — ``skimage.metrics.structural_similarity(F, X,
data_range=2)`` on float32 arrays. The fusion score is the **sum**
SSIM(F, A) + SSIM(F, B) (``reduction='mean'`` halves it).

Numerics. With L = 2, C2 = 3.6e-3 is tiny next to local variances formed
as E[x²] − E[x]² from values ~1e4, so float32 rounding of the local means
moves SSIM by up to ~5e-5 relative (float64 gives the "true" value, which
differs from scikit-image's float32 result by that much). This module
reproduces scikit-image's float32 result: local means are rounded exactly as
``scipy.ndimage.uniform_filter`` rounds them (see :func:`uniform_mean`) and
the SSIM map is evaluated in float32 with scikit-image's order of
operations; the fixture's SSIM values are matched to ~3e-7 relative.
"""
from typing import Union

import torch
import torch.nn.functional as F
from torch import Tensor

from ._filters import band_matrix, row_blocks
from ._utils import as_image_batch, as_triple, nan_like_batch, sum64

K1, K2 = 0.01, 0.03


def uniform_mean(x: Tensor, size: int) -> Tensor:
    r"""Local means over ``size`` x ``size`` windows ('valid' part), rounded
    like ``scipy.ndimage.uniform_filter`` on float32 input.

    .. math::
        u_{ij} = \operatorname{fl}_{32}\Big(\tfrac1n\sum_{v}
              \operatorname{fl}_{32}\big(\tfrac1n\sum_u x_{i+u,\,j+v}\big)\Big)

    SciPy filters axis 0, then axis 1, accumulating each 1-D mean in double
    and storing it as float32. Here the vertical sums are exact in float32
    (integer-valued images: integer partial sums below 2^24, in whatever
    order they are added) and divided once; the horizontal sums of those
    float32 means are exact in float64 (cumulative sums) and rounded to
    float32 after the division — the same local means as SciPy's, up to
    rare double-rounding ties.

    The vertical sums are a product with a banded 0/1 matrix on CPU
    (:func:`band_matrix`; ~1.4x faster than oneDNN's depthwise convolution
    for the ~31-row blocks used here) and a depthwise convolution elsewhere
    (cuDNN, with TF32 off: see ``full_fp32_precision``; a TF32 matmul would
    not be exact). The first window sum is taken from the running sums
    directly instead of padding them with a leading 0 (a copy less).

    Both divisions take ``n`` as a tensor on ``x``'s device: CUDA divides by
    a Python number as a product with its rounded reciprocal, which can
    land one ulp off the quotient (on an H200 that moved SSIM by 3.7e-5
    relative from the CPU value).

    Args:
        x: (B, C, H, W) float32.
        size: Window size n.

    Returns:
        float32 (B, C, H-n+1, W-n+1).
    """
    b, c, h, w = x.shape
    ho, wo = h - size + 1, w - size + 1
    if x.device.type == 'cpu':
        ones = torch.ones(size, dtype=x.dtype, device=x.device)
        t_h = band_matrix(ones, h, transposed=True)  # (Ho, H)
        v = torch.bmm(t_h.expand(b * c, -1, -1), x.reshape(b * c, h, w))
        v = v.view(b, c, ho, w)
    else:
        w_col = torch.ones(c, 1, size, 1, dtype=x.dtype, device=x.device)
        v = F.conv2d(x, w_col, groups=c)
    n = torch.full((), size, dtype=torch.float64, device=x.device)
    v.div_(n)  # vertical means, float32 (true division, see above)
    # running sums in float64 (exact for these values); window sums are
    # cs[j + n - 1] - cs[j - 1], with cs[-1] = 0 for the first one
    cs = torch.cumsum(v, dim=-1, dtype=torch.float64)
    win = torch.empty(b, c, ho, wo, dtype=torch.float64, device=x.device)
    win[..., 0] = cs[..., size - 1]
    torch.sub(cs[..., size:], cs[..., :-size], out=win[..., 1:])
    out = torch.empty(win.shape, dtype=x.dtype, device=x.device)
    return torch.div(win, n, out=out)  # rounded once, to float32


def _ssim_sums(x: Tensor, refs: Tensor, data_range: float,
               win_size: int) -> Tensor:
    """Mean SSIM of ``x`` (B,1,H,W) against each channel of ``refs``
    (B,R,H,W); returns float64 (B, R)."""
    n_img, r, h, w = refs.shape
    ho, wo = h - win_size + 1, w - win_size + 1
    n = win_size * win_size
    cov_norm = n / (n - 1.0)
    c1 = (K1 * data_range)**2
    c2 = (K2 * data_range)**2
    total = torch.zeros(n_img, r, dtype=torch.float64, device=refs.device)
    n_maps = 2 + 3 * r
    for y0, y1 in row_blocks(ho, n_img * n_maps * w * 8, refs.device):
        xs = x[:, :, y0:y1 + win_size - 1]
        rs = refs[:, :, y0:y1 + win_size - 1]
        maps = torch.empty(
            (n_img, n_maps) + tuple(xs.shape[-2:]),
            dtype=x.dtype,
            device=x.device)
        maps[:, :1] = xs
        maps[:, 1:1 + r] = rs
        torch.mul(xs, xs, out=maps[:, 1 + r:2 + r])
        torch.mul(rs, rs, out=maps[:, 2 + r:2 + 2 * r])
        torch.mul(xs, rs, out=maps[:, 2 + 2 * r:])
        m = uniform_mean(maps, win_size)  # float32 local means
        ux = m[:, 0:1]
        uy = m[:, 1:1 + r]
        uxx = m[:, 1 + r:2 + r]
        uyy = m[:, 2 + r:2 + 2 * r]
        uxy = m[:, 2 + 2 * r:]
        # scikit-image, float32, same operations (single ops commute
        # exactly, so in-place rewrites give identical bits):
        #   vx = cov_norm*(uxx-ux*ux); vy = ...; vxy = cov_norm*(uxy-ux*uy)
        #   A1 = 2*ux*uy + C1; A2 = 2*vxy + C2
        #   B1 = ux**2 + uy**2 + C1; B2 = vx + vy + C2; S = (A1*A2)/(B1*B2)
        ux2 = ux * ux
        uy2 = uy * uy
        vx = (uxx - ux2).mul_(cov_norm)
        vy = uyy.sub_(uy2).mul_(cov_norm)
        a1 = uy * (ux * 2)  # (2*ux)*uy, broadcast to (B, R, ...)
        vxy = uxy.sub_(ux * uy).mul_(cov_norm)
        a1.add_(c1)
        a2 = vxy.mul_(2).add_(c2)
        b1 = uy2.add_(ux2).add_(c1)
        b2 = vy.add_(vx).add_(c2)
        s = a1.mul_(a2).div_(b1.mul_(b2))
        total += sum64(s, (2, 3))
    return total / (ho * wo)


def ssim(x: Tensor,
         y: Tensor,
         data_range: float = 2.0,
         win_size: int = 7) -> Tensor:
    r"""Mean SSIM of two image batches with a uniform window.

    .. math::
        SSIM(x,y) = \operatorname{mean}_p
          \frac{(2\mu_x\mu_y + C_1)(2\sigma_{xy} + C_2)}
               {(\mu_x^2+\mu_y^2+C_1)(\sigma_x^2+\sigma_y^2+C_2)},
        \quad C_1 = (0.01L)^2,\ C_2 = (0.03L)^2

    with μ, σ² (sample, ×n/(n−1)) and σ_xy over ``win_size`` x ``win_size``
    windows, p over the pixels whose window lies inside the image.

    Args:
        x, y: (B, 1, H, W) images (0..255 by convention).
        data_range: L. 2 reproduces most published IVIF numbers; 255 is the
            textbook value for 8-bit images.
        win_size: Odd window size (7).

    Returns:
        float64 tensor (B,); NaN if the image is smaller than the window.
    """
    x = as_image_batch(x, 'x')
    y = as_image_batch(y, 'y')
    if x.shape != y.shape:
        raise ValueError(f'shape mismatch: {tuple(x.shape)} vs '
                         f'{tuple(y.shape)}')
    if min(x.shape[-2:]) < win_size:
        return nan_like_batch(x)
    return _ssim_sums(x, y, float(data_range), win_size)[:, 0]


def fusion_ssim_per_source(fused: Tensor,
                           ir: Tensor,
                           vis: Tensor,
                           data_range: float = 2.0,
                           win_size: int = 7) -> Tensor:
    """``[SSIM(F, A), SSIM(F, B)]`` as float64 (B, 2).

    One window pass covers both sources (8 maps: F, A, B, F², A², B², FA,
    FB).
    """
    f, a, b = as_triple(fused, ir, vis)
    if min(f.shape[-2:]) < win_size:
        return nan_like_batch(f)[:, None].expand(-1, 2)
    return _ssim_sums(f, torch.cat([a, b], 1), float(data_range), win_size)


def fusion_ssim(fused: Tensor,
                ir: Tensor,
                vis: Tensor,
                data_range: float = 2.0,
                reduction: str = 'sum',
                win_size: int = 7) -> Tensor:
    r"""SSIM of the fused image against both sources, summed (or averaged).

    .. math::
        SSIM = SSIM(F, A) + SSIM(F, B)

    Args:
        reduction: ``'sum'`` (default, up to 2) or ``'mean'`` (up to 1).

    Returns:
        float64 tensor (B,).
    """
    per_source = fusion_ssim_per_source(fused, ir, vis, data_range, win_size)
    return reduce_sources(per_source, reduction)


def reduce_sources(per_source: Tensor, reduction: Union[str, None]) -> Tensor:
    """Combine per-source values (B, 2) by ``'sum'`` or ``'mean'``."""
    if reduction == 'sum':
        return per_source.sum(1)
    if reduction == 'mean':
        return per_source.mean(1)
    raise ValueError(f"reduction must be 'sum' or 'mean', got {reduction!r}")
