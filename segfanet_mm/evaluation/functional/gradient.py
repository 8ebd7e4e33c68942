"""Gradient metrics on the fused image: spatial frequency (SF) and average
gradient (AG).

Both are computed on the values as given (0..255 by convention); differences
of 8-bit values are exact in float32 and sums are accumulated in float64.
"""
import math

import kornia
import torch
from torch import Tensor

from ._utils import as_image_batch, as_triple, nan_like_batch, sum64

AG_DENOMINATORS = ('HW', '(H-1)(W-1)')


def spatial_frequency(x: Tensor) -> Tensor:
    r"""SF: root of the mean squared horizontal and vertical differences.

    .. math::
        RF^2 = \frac{1}{H(W-1)}\sum_{i,j}(F_{i,j+1}-F_{i,j})^2,\quad
        CF^2 = \frac{1}{(H-1)W}\sum_{i,j}(F_{i+1,j}-F_{i,j})^2,\quad
        SF = \sqrt{RF^2 + CF^2}

    Args:
        x: Images (B, 1, H, W); H, W >= 2 (else NaN).

    Returns:
        float64 tensor (B,).
    """
    x = as_image_batch(x)
    if x.shape[-1] < 2 or x.shape[-2] < 2:
        return nan_like_batch(x)
    dh = x[..., :, 1:] - x[..., :, :-1]
    dv = x[..., 1:, :] - x[..., :-1, :]
    rf2 = sum64(dh * dh, (1, 2, 3)) / dh[0].numel()
    cf2 = sum64(dv * dv, (1, 2, 3)) / dv[0].numel()
    return torch.sqrt(rf2 + cf2)


def numpy_gradient(x: Tensor) -> tuple:
    """``numpy.gradient`` of (B, 1, H, W) along W (Gx) and H (Gy).

    Central differences ``(x[k+1] - x[k-1]) / 2`` inside, one-sided
    ``x[1] - x[0]`` and ``x[n-1] - x[n-2]`` at the borders. H, W >= 2.
    """
    gx = torch.empty_like(x)
    gx[..., 1:-1] = (x[..., 2:] - x[..., :-2]) * 0.5
    gx[..., 0] = x[..., 1] - x[..., 0]
    gx[..., -1] = x[..., -1] - x[..., -2]
    gy = torch.empty_like(x)
    gy[..., 1:-1, :] = (x[..., 2:, :] - x[..., :-2, :]) * 0.5
    gy[..., 0, :] = x[..., 1, :] - x[..., 0, :]
    gy[..., -1, :] = x[..., -1, :] - x[..., -2, :]
    return gx, gy


def average_gradient(x: Tensor, denominator: str = 'HW') -> Tensor:
    r"""AG: mean magnitude of the ``numpy.gradient`` gradient.

    .. math::
        AG = \frac{1}{D}\sum_{i,j}\sqrt{\frac{G_x^2 + G_y^2}{2}}

    Args:
        x: Images (B, 1, H, W); H, W >= 2 (else NaN).
        denominator: ``'HW'`` (default, the mean over all pixels, as the
            common Python toolkits do) or ``'(H-1)(W-1)'`` (the MATLAB
            toolkits, e.g. VIFB's ``metricsAvg_gradient``; same sum).

    Returns:
        float64 tensor (B,).
    """
    if denominator not in AG_DENOMINATORS:
        raise ValueError(f'denominator must be one of {AG_DENOMINATORS}, '
                         f'got {denominator!r}')
    x = as_image_batch(x)
    h, w = x.shape[-2:]
    if h < 2 or w < 2:
        return nan_like_batch(x)
    gx, gy = numpy_gradient(x)
    s = torch.sqrt((gx * gx + gy * gy) * 0.5)
    total = sum64(s, (1, 2, 3))
    d = h * w if denominator == 'HW' else (h - 1) * (w - 1)
    return total / d


def edge_intensity(x: Tensor) -> Tensor:
    r"""EI (VIFB ``metricsEdge_intensity``): mean Sobel gradient magnitude.

    .. math::
        EI = \frac{1}{HW}\sum_{i,j}\sqrt{s_x^2 + s_y^2}

    with the unnormalised 3x3 Sobel responses and replicated borders
    (MATLAB ``imfilter(.., fspecial('sobel'), 'replicate')``) — kornia's
    ``spatial_gradient(normalized=False)``, whose padding is the same.

    Args:
        x: Images (B, 1, H, W) on the 0..255 scale.

    Returns:
        float64 tensor (B,).
    """
    x = as_image_batch(x)
    g = kornia.filters.spatial_gradient(x, 'sobel', normalized=False)
    mag = torch.sqrt(g[:, :, 0] * g[:, :, 0] + g[:, :, 1] * g[:, :, 1])
    return sum64(mag, (1, 2, 3)) / mag[0].numel()


def _directional_sq(x: Tensor) -> list:
    """Squared first differences of (B,1,H,W) along the row, column, main
    and secondary diagonal, each with its sampled region."""
    return [
        x[..., :, 1:] - x[..., :, :-1],
        x[..., 1:, :] - x[..., :-1, :],
        x[..., 1:, 1:] - x[..., :-1, :-1],
        x[..., 1:, :-1] - x[..., :-1, 1:],
    ]


def qsf(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Qsf (Zheng et al. 2007, Liu's ``metricZheng``): relative error of
    the four-direction spatial frequency of F against a reference SF.

    .. math::
        SF^2 = RF^2 + CF^2 + MDF^2 + SDF^2,\qquad
        Q_{sf} = \frac{SF_F - SF_R}{SF_R}

    Each term is a sum of squared first differences (row, column, main and
    secondary diagonal; the diagonals weighted by √2/2) divided by H·W. For
    the reference SF_R every difference is the larger-magnitude one of A's
    and B's. Signed: 0 is best, < 0 means F lost detail, > 0 that it added
    some.

    Returns:
        float64 tensor (B,); NaN when both sources are constant.
    """
    f, a, b = (t.to(torch.float64) for t in as_triple(fused, ir, vis))
    n = f[0].numel()
    weights = (1.0, 1.0, 0.5 * math.sqrt(2.0), 0.5 * math.sqrt(2.0))
    sf_f = sum(w * (d * d).sum((1, 2, 3))
               for w, d in zip(weights, _directional_sq(f))) / n
    sf_r = sum(w * torch.maximum(da.abs(), db.abs()).square().sum((1, 2, 3))
               for w, da, db in zip(weights, _directional_sq(a),
                                    _directional_sq(b))) / n
    sf_f, sf_r = torch.sqrt(sf_f), torch.sqrt(sf_r)
    return torch.where(sf_r > 0, (sf_f - sf_r) / sf_r, math.nan)
