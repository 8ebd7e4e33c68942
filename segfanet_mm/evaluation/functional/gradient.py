"""Gradient metrics on the fused image: spatial frequency (SF) and average
gradient (AG).

Both are computed on the values as given (0..255 by convention); differences
of 8-bit values are exact in float32 and sums are accumulated in float64.
"""
import torch
from torch import Tensor

from ._utils import as_image_batch, nan_like_batch, sum64

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
