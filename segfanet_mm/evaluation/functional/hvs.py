"""Human-visual-system fusion metrics: Chen–Blum Qcb and Chen–Varshney Qcv.

Both filter the images with a contrast-sensitivity function (CSF) in the
frequency domain, after stretching each image to 0..255
(:func:`minmax_255`), as Liu's ``metricChenBlum`` / ``metricChen`` (copied
unchanged into VIFB as ``metricsQcb`` / ``metricsQcv``) do. The CSF's
frequency grid is MATLAB's ``freqspace`` scaled by the image size, so the
filters scale with the image: a grid step of 1/15 (Qcb) or 1/4 (Qcv)
cycles per index along each axis.
"""
import functools
import math
from typing import Tuple

import torch
import torch.nn.functional as F
from torch import Tensor

from ._fft import irfft2, rfft2
from ._filters import shifted_filter
from ._utils import as_triple, minmax_255
from .qabf import sobel_responses

QCV_BLOCK = 16


def _radius(h: int, w: int, step: float, device) -> Tensor:
    r"""Radial frequency ``r = step · sqrt(i² + j²)`` for the DFT bins
    (i, j centred as ``fftshift`` orders them, returned unshifted)."""
    i = torch.arange(h, dtype=torch.float64, device=device) - h // 2
    j = torch.arange(w, dtype=torch.float64, device=device) - w // 2
    r = torch.sqrt(i[:, None]**2 + j[None, :]**2) * step
    return torch.fft.ifftshift(r)


@functools.lru_cache(maxsize=4)
def _chen_blum_csf(h: int, w: int, device: str) -> Tensor:
    r"""Qcb's CSF :math:`e^{-(r/f_0)^2} - a\,e^{-(r/f_1)^2}` on the half
    spectrum (f0 = 15.3870, f1 = 1.3456, a = 0.7622, grid step 1/15),
    cached per size."""
    r = _radius(h, w, 1 / 15, device)[:, :w // 2 + 1]
    return torch.exp(-(r / 15.3870)**2) - 0.7622 * torch.exp(-(r / 1.3456)**2)


@functools.lru_cache(maxsize=4)
def _mannos_sakrison_csf(h: int, w: int, device: str) -> Tensor:
    """Qcv's CSF ``2.6 (0.0192 + 0.144 r) e^{-(0.144 r)^{1.1}}`` on the
    half spectrum (grid step 1/4), cached per size."""
    r = _radius(h, w, 1 / 4, device)[:, :w // 2 + 1]
    return 2.6 * (0.0192 + 0.144 * r) * torch.exp(-(0.144 * r)**1.1)


def _csf_filter(x: Tensor, response: Tensor) -> Tensor:
    """Real part of ``ifft2(fft2(x) · H)`` for a radial response H, given
    on the half spectrum (``response``): a radial response is real and
    even, so a real FFT gives it (~2x faster than the complex
    transforms)."""
    h, w = x.shape[-2:]
    return irfft2(rfft2(x) * response, s=(h, w))


def _gauss_same(x: Tensor, *sigmas: float) -> Tuple[Tensor, ...]:
    r"""31x31 Gaussians ``e^{-(u²+v²)/2σ²}/(2πσ²)`` (not normalised to sum
    1, as the toolbox) of each channel, one per σ, 'same' size, zero
    padding (padded once for all σ)."""
    t = torch.arange(-15, 16, dtype=torch.float64, device=x.device)
    padded = F.pad(x, (15, 15, 15, 15))
    return tuple(
        shifted_filter(
            padded,
            torch.exp(-t * t / (2 * sigma * sigma)) /
            (math.sqrt(2 * math.pi) * sigma)) for sigma in sigmas)


def qcb(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Qcb (Chen & Blum 2009): contrast preservation under a CSF.

    .. math::
        S(r) = e^{-(r/f_0)^2} - a\,e^{-(r/f_1)^2},\quad
        C = \Big|\frac{G_2 * I_S}{G_4 * I_S} - 1\Big|,\quad
        C' = \frac{C^3}{C^2 + 10^{-4}}

        Q_{XF} = \frac{\min(C'_X, C'_F)}{\max(C'_X, C'_F)},\quad
        Q_{cb} = \operatorname{mean}\Big(\frac{C'^2_A Q_{AF} + C'^2_B
                 Q_{BF}}{C'^2_A + C'^2_B}\Big)

    with I_S the CSF-filtered image (f0 = 15.3870, f1 = 1.3456,
    a = 0.7622) and G_σ 31x31 Gaussians. Range 0..1, higher is better.

    Returns:
        float64 tensor (B,); NaN where a pixel has no contrast in either
        source and F (0/0), as in the toolbox — e.g. constant images.
    """
    f, a, b = (minmax_255(t) for t in as_triple(fused, ir, vis))
    x = torch.cat([a, b, f], 1)
    csf = _chen_blum_csf(*x.shape[-2:], str(x.device))
    xs = _csf_filter(x, csf)
    fine, coarse = _gauss_same(xs, 2.0, 4.0)
    if x.device.type != 'cpu':
        return _chen_blum_quality(fine, coarse).mean((1, 2, 3))
    # Numba loads on first use, not with the package
    from ._hvs_compiled import chen_blum_quality
    out = torch.empty_like(f)
    for i in range(out.shape[0]):
        chen_blum_quality(fine[i].numpy(), coarse[i].numpy(), out[i,
                                                                  0].numpy())
    return out.mean((1, 2, 3))


def _chen_blum_quality(fine: Tensor, coarse: Tensor) -> Tensor:
    """Qcb's quality map (B, 1, H, W) from the CSF-filtered A, B, F under
    the σ = 2 (``fine``) and σ = 4 (``coarse``) Gaussians, (B, 3, H, W)."""
    c = (fine / coarse - 1.0).abs()
    c = c**3 / (c**2 + 1e-4)
    c_a, c_b, c_f = c[:, :1], c[:, 1:2], c[:, 2:]
    q_af = torch.minimum(c_a, c_f) / torch.maximum(c_a, c_f)
    q_bf = torch.minimum(c_b, c_f) / torch.maximum(c_b, c_f)
    wa, wb = c_a * c_a, c_b * c_b
    return (wa * q_af + wb * q_bf) / (wa + wb)


def qcv(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Qcv (Chen & Varshney 2007): saliency-weighted CSF-filtered error.

    .. math::
        \lambda_{X,k} = \sum_{p\in k} g_X(p)^5,\quad
        D_{X,k} = \operatorname{mean}_{p\in k}\big(\mathcal{F}^{-1}
                  [S\cdot\mathcal{F}(X - F)](p)\big)^2

        Q_{cv} = \frac{\sum_k \lambda_{A,k} D_{A,k} + \lambda_{B,k} D_{B,k}}
                      {\sum_k \lambda_{A,k} + \lambda_{B,k}}

    over 16x16 blocks k (partial blocks at the border zero-padded, as
    ``blkproc``), g the Sobel magnitude (zero padding) and S the
    Mannos–Sakrison CSF ``2.6 (0.0192 + 0.144 r) e^{-(0.144 r)^{1.1}}``.
    **Lower is better**; unbounded (it is an error, on the 0..255 scale).

    Returns:
        float64 tensor (B,); NaN when neither source has an edge.
    """
    f, a, b = (minmax_255(t) for t in as_triple(fused, ir, vis))
    h, w = f.shape[-2:]
    src = torch.cat([a, b], 1)
    # zero padding, as filter2; shifted slices (float64 conv2d is slow)
    sx, sy = sobel_responses(F.pad(src, (1, 1, 1, 1)))
    g = torch.sqrt(sx * sx + sy * sy)
    pad = (0, -w % QCV_BLOCK, 0, -h % QCV_BLOCK)
    g2 = g * g  # g⁵ by products: 6x faster than pow
    sal = F.avg_pool2d(F.pad(g2 * g2 * g, pad), QCV_BLOCK) * QCV_BLOCK**2
    d = _csf_filter(src - f, _mannos_sakrison_csf(h, w, str(f.device)))
    dist = F.avg_pool2d(F.pad(d * d, pad), QCV_BLOCK)
    return (sal * dist).sum((1, 2, 3)) / sal.sum((1, 2, 3))
