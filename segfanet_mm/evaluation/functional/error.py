"""Error metrics of the fused image against both sources: MSE and PSNR.

**Identical images.** When F equals both sources, MSE = 0 and PSNR is
``+inf`` (the mathematical limit; scikit-image does the same). Pass
``cap=...`` to clip PSNR at a finite value instead (e.g. 100 dB). A dataset
mean that contains an ``inf`` is ``inf`` — visible, not silently hidden.
"""
import math
from typing import Optional, Union

import torch
from torch import Tensor

from ._utils import as_triple, sum64


def mse_pair(x: Tensor, y: Tensor) -> Tensor:
    r"""Mean squared error of two image batches (B,1,H,W) → float64 (B,).

    .. math::
        MSE(X,Y) = \frac{1}{HW}\sum_{i,j}(X_{i,j}-Y_{i,j})^2
    """
    d = x - y
    return sum64(d * d, (1, 2, 3)) / d[0].numel()


def mse(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""MSE: mean of the fused image's MSE against both sources.

    .. math::
        MSE = \frac{MSE(A,F) + MSE(B,F)}{2}

    Values on the scale of the inputs (0..255 by convention).

    Returns:
        float64 tensor (B,).
    """
    f, a, b = as_triple(fused, ir, vis)
    return 0.5 * (mse_pair(a, f) + mse_pair(b, f))


def psnr_from_mse(mse_value: Tensor,
                  peak: Tensor,
                  cap: Optional[float] = None) -> Tensor:
    r"""PSNR in dB from an MSE and a peak value.

    .. math::
        PSNR = 10\log_{10}\frac{P^2}{MSE}

    MSE = 0 gives ``+inf`` (or ``cap`` when given); otherwise a peak of 0
    (an all-zero F with ``peak='max'``) has no signal level: NaN.
    """
    peak = peak.to(torch.float64)
    out = 10.0 * torch.log10(peak * peak / mse_value)
    out = torch.where(peak == 0, torch.full_like(out, math.nan), out)
    out = torch.where(mse_value == 0, torch.full_like(out, math.inf), out)
    if cap is not None:
        out = out.clamp(max=float(cap))
    return out


def psnr(fused: Tensor,
         ir: Tensor,
         vis: Tensor,
         peak: Union[str, float] = 'max',
         cap: Optional[float] = None) -> Tensor:
    r"""PSNR of the fused image against both sources (MSE as in :func:`mse`).

    .. math::
        PSNR = 10\log_{10}\frac{P^2}{MSE},\qquad
        P = \max_{i,j} F_{i,j}\ \ (\text{peak='max'})\ \text{or a constant}

    Args:
        peak: ``'max'`` (default; the maximum of F, as the common Python
            toolkits do) or a number (255 for the textbook 8-bit PSNR).
        cap: Optional upper bound in dB; without it identical images give
            ``+inf``.

    Returns:
        float64 tensor (B,).
    """
    f, a, b = as_triple(fused, ir, vis)
    m = 0.5 * (mse_pair(a, f) + mse_pair(b, f))
    return psnr_from_mse(m, peak_value(f, peak), cap)


def peak_value(fused: Tensor, peak: Union[str, float]) -> Tensor:
    """The PSNR peak per image: max(F) for ``'max'``, else the constant."""
    if isinstance(peak, str):
        if peak != 'max':
            try:
                peak = float(peak)
            except ValueError:
                raise ValueError(f"peak must be 'max' or a number, "
                                 f'got {peak!r}') from None
        else:
            return fused.flatten(1).amax(1).to(torch.float64)
    return torch.full((fused.shape[0], ),
                      float(peak),
                      dtype=torch.float64,
                      device=fused.device)


def vifb_rmse(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""RMSE as VIFB defines it (``metricsRmse``): not the usual RMSE.

    .. math::
        RMSE_{VIFB} = \tfrac12\big(m(A,F) + m(B,F)\big),\qquad
        m(X,F) = \frac{\sqrt{\sum_{i,j}(X_{i,j}-F_{i,j})^2}}{HW}

    i.e. the usual per-source RMSE divided by sqrt(HW): its values depend on
    the image size. Kept as published so tables stay comparable. Lower is
    better.

    Returns:
        float64 tensor (B,).
    """
    f, a, b = as_triple(fused, ir, vis)
    n = f[0].numel()
    return 0.5 * (torch.sqrt(mse_pair(a, f) * n) +
                  torch.sqrt(mse_pair(b, f) * n)) / n


def vifb_psnr(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""PSNR as VIFB defines it (``metricsPsnr``), from :func:`vifb_rmse`.

    .. math::
        PSNR_{VIFB} = 20\log_{10}\frac{255}{\sqrt{RMSE_{VIFB}}}

    (VIFB's "MSE" is :func:`vifb_rmse`; its square root enters as the RMS
    error). F identical to both sources gives ``+inf``.

    Returns:
        float64 tensor (B,).
    """
    return psnr_from_mse(
        vifb_rmse(fused, ir, vis), torch.tensor(255.0, dtype=torch.float64))
