"""Local-SSIM fusion metrics: Piella's Q0 and Qw, Cvejic's Qc, Yang's Qy.

Each weights local SSIM maps of F against the two sources by local
statistics of the sources; windows are Gaussian (σ = 1.5) and 'valid'
(only positions whose window lies inside the image), statistics are
population moments ``E[xy] − E[x]E[y]`` in float64, as in Liu's toolbox
(``metricPeilla``, ``metricCvejic``, ``metricYang``):

* Q0, Qw: Wang's ``ssim_index`` — 11x11 window, L = 255,
  C1 = (0.01 L)², C2 = (0.03 L)²;
* Qc, Qy: 7x7 window and C1 = C2 = 2e-16 (practically no stabilisers).

**Undefined windows.** Qc's weight σ_AF/(σ_AF + σ_BF) and Qy's
σ_A²/(σ_A² + σ_B²) are 0/0 where the denominators vanish (e.g. windows
where both sources, or F, are flat). The toolbox lets that NaN make the
whole metric NaN; here such windows weigh both sources equally (weight ½,
``undefined='half'``, the default), and ``undefined='nan'`` reproduces the
toolbox. Piella's Q0/Qw add ½ to both variances there, as Liu's code does.

**Flat windows.** In a window where an image is constant its variance and
its covariances are exactly 0, but ``E[x²] − E[x]²`` evaluates to rounding
noise (~1e-12 for 8-bit values). With C1 = C2 = 2e-16 (Qc, Qy) that noise
makes the SSIM term of two flat windows an arbitrary ratio, and in Q0/Qw
it decides λ where both sources are flat (Liu's ½ rule only catches exact
zeros). Those statistics are set to their exact value 0 here; the toolbox
keeps its own noise (``docs/metrics.md``).
"""
import functools
from typing import Tuple

import kornia
import torch
from torch import Tensor

from ._filters import shifted_filter, window_max
from ._utils import as_triple, nan_like_batch

UNDEFINED_RULES = ('half', 'nan')


@functools.lru_cache(maxsize=8)
def _gaussian(size: int, sigma: float, device: str) -> Tensor:
    """Normalised 1-D Gaussian (float64); its outer product is MATLAB's
    ``fspecial('gaussian', size, sigma)``. Built and normalised in float64:
    a float32 kernel sums to 1 only within ~1e-8, which shifts
    ``E[x²] - E[x]²`` by ~1e-8·E[x]² (~4e-4 on bright 8-bit windows)."""
    k = kornia.filters.get_gaussian_kernel1d(size, sigma, dtype=torch.float64)
    return k.reshape(-1).to(device=device)


def flat_windows(x: Tensor, size: int) -> Tensor:
    """True where every value of the 'valid' size x size window is equal
    (exact: the window's maximum equals its minimum)."""
    return window_max(x, size) == -window_max(-x, size)


def local_stats(x: Tensor, y: Tensor, size: int, sigma: float = 1.5):
    r"""Gaussian-window means, variances and covariance ('valid').

    .. math::
        \mu_x = w * x,\quad \sigma_x^2 = w * x^2 - \mu_x^2,\quad
        \sigma_{xy} = w * (xy) - \mu_x\mu_y

    with σ² and σ_xy exactly 0 in windows where x (or y) is flat.

    Args:
        x, y: (B, C, H, W) tensors (broadcast along C allowed: same shape
            after ``torch.broadcast_tensors``).

    Returns:
        ``(mu_x, mu_y, var_x, var_y, cov)``, float64 (B, C, H-n+1, W-n+1).
    """
    x, y = torch.broadcast_tensors(x.to(torch.float64), y.to(torch.float64))
    k = _gaussian(size, sigma, str(x.device))
    if x.device.type == 'cpu':
        # compiled: the same sums, the products formed as rows are read, the
        # flat windows told by the same pass
        from ._filter_compiled import local_statistics  # Numba, on first use
        return tuple(
            torch.from_numpy(m)
            for m in local_statistics(x.numpy(), y.numpy(), k.numpy()))
    return _local_stats_shifted(x, y, k)


def _local_stats_shifted(x: Tensor, y: Tensor, k: Tensor) -> tuple:
    """:func:`local_stats` of float64 x, y of one shape by shifted-slice
    sums (any device), with the 1-D window k."""
    flat_x, flat_y = flat_windows(x, k.numel()), flat_windows(y, k.numel())
    m = shifted_filter(torch.cat([x, y, x * x, y * y, x * y], 1), k)
    mu_x, mu_y, xx, yy, xy = m.split(x.shape[1], 1)
    var_x = torch.where(flat_x, 0.0, xx - mu_x * mu_x)
    var_y = torch.where(flat_y, 0.0, yy - mu_y * mu_y)
    cov = torch.where(flat_x | flat_y, 0.0, xy - mu_x * mu_y)
    return mu_x, mu_y, var_x, var_y, cov


def ssim_map(stats, c1: float, c2: float) -> Tensor:
    r"""SSIM map from :func:`local_stats`.

    .. math::
        \frac{(2\mu_x\mu_y + C_1)(2\sigma_{xy} + C_2)}
             {(\mu_x^2 + \mu_y^2 + C_1)(\sigma_x^2 + \sigma_y^2 + C_2)}
    """
    mu_x, mu_y, var_x, var_y, cov = stats
    if all(t.device.type == 'cpu' and t.dtype == torch.float64
           and t.is_contiguous() and t.shape == mu_x.shape for t in stats):
        # one compiled pass, the same rounding
        from ._ssim_compiled import ssim_quotient  # Numba, on first use
        out = torch.empty_like(mu_x)
        ssim_quotient(*(t.numpy() for t in stats), c1, c2, out.numpy())
        return out
    return ((2 * mu_x * mu_y + c1) *
            (2 * cov + c2)) / ((mu_x * mu_x + mu_y * mu_y + c1) *
                               (var_x + var_y + c2))


def _check_rule(undefined: str) -> None:
    if undefined not in UNDEFINED_RULES:
        raise ValueError(f'undefined must be one of {UNDEFINED_RULES}, got '
                         f'{undefined!r}')


def _ratio(num: Tensor, den: Tensor, undefined: str) -> Tensor:
    """num/den, with ½ (or NaN for ``'nan'``) where den == 0."""
    if undefined == 'nan':
        return num / den
    zero = den == 0
    return torch.where(zero, 0.5, num / torch.where(zero, 1.0, den))


def _ssim_to_sources(f: Tensor, a: Tensor, b: Tensor) -> tuple:
    """7x7 Gaussian local statistics of [A, B] against F and the SSIM maps
    ``[SSIM_w(A, F), SSIM_w(B, F)]`` with C1 = C2 = 2e-16 (Liu's Qc, Qy)."""
    st = local_stats(torch.cat([a, b], 1), f, 7)
    return st, ssim_map(st, 2e-16, 2e-16)


def piella(fused: Tensor, ir: Tensor, vis: Tensor) -> Tuple[Tensor, Tensor]:
    """Piella's Q0 and Qw from one pass (see :func:`q0`, :func:`qw`): the
    sources' variances come with their SSIM statistics against F."""
    f, a, b = as_triple(fused, ir, vis)
    if min(f.shape[-2:]) < 11:
        return nan_like_batch(f), nan_like_batch(f)
    c1, c2 = (0.01 * 255)**2, (0.03 * 255)**2
    st = local_stats(f, torch.cat([a, b], 1), 11)
    q = ssim_map(st, c1, c2)
    var_a, var_b = st[3][:, :1], st[3][:, 1:]
    flat = (var_a + var_b) == 0
    var_a = var_a + 0.5 * flat
    var_b = var_b + 0.5 * flat
    lam = var_a / (var_a + var_b)
    local = lam * q[:, :1] + (1 - lam) * q[:, 1:]
    cw = torch.maximum(var_a, var_b)
    return (local.mean((1, 2, 3)), (cw * local).sum((1, 2, 3)) / cw.sum(
        (1, 2, 3)))


def q0(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Piella's fusion quality index Q0 (Piella & Heijmans 2003; Liu's
    ``metricPeilla(.., 1)``).

    .. math::
        Q_0 = \operatorname{mean}_w\big(\lambda_w\,SSIM_w(F,A)
              + (1-\lambda_w)\,SSIM_w(F,B)\big),\quad
        \lambda_w = \frac{\sigma_{A,w}^2}{\sigma_{A,w}^2 + \sigma_{B,w}^2}

    Returns:
        float64 tensor (B,); NaN for images smaller than 11x11.
    """
    return piella(fused, ir, vis)[0]


def qw(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Piella's weighted fusion quality index Qw (``metricPeilla(.., 2)``).

    .. math::
        Q_W = \sum_w c_w\big(\lambda_w SSIM_w(F,A)
              + (1-\lambda_w) SSIM_w(F,B)\big),\quad
        c_w = \frac{\max(\sigma_{A,w}^2, \sigma_{B,w}^2)}
                   {\sum_{w'}\max(\sigma_{A,w'}^2, \sigma_{B,w'}^2)}

    Returns:
        float64 tensor (B,); NaN for images smaller than 11x11.
    """
    return piella(fused, ir, vis)[1]


def qc(fused: Tensor,
       ir: Tensor,
       vis: Tensor,
       undefined: str = 'half') -> Tensor:
    r"""Cvejic's metric Qc (Cvejic et al. 2006; Liu's ``metricCvejic(.., 2)``).

    .. math::
        \mu_w = \operatorname{clip}\Big(\frac{\sigma_{AF,w}}
                 {\sigma_{AF,w} + \sigma_{BF,w}}, 0, 1\Big),\quad
        Q_c = \operatorname{mean}_w\big(\mu_w SSIM_w(A,F)
              + (1-\mu_w) SSIM_w(B,F)\big)

    7x7 Gaussian windows, C1 = C2 = 2e-16. The weight is clipped, as in the
    paper (Liu's code instead sets the *result* to 0 or 1 where the weight
    leaves [0, 1], which makes Qc depend on the order of the sources).
    Where σ_AF + σ_BF = 0 the weight is ½ (``undefined='half'``) or NaN,
    making Qc NaN (``'nan'``, the toolbox). Unstable where σ_AF + σ_BF is
    near 0 (the weight jumps between the bounds).

    Returns:
        float64 tensor (B,); NaN for images smaller than 11x11.
    """
    _check_rule(undefined)
    f, a, b = as_triple(fused, ir, vis)
    if min(f.shape[-2:]) < 11:
        return nan_like_batch(f)
    return _cvejic(*_ssim_to_sources(f, a, b), undefined)


def qy(fused: Tensor,
       ir: Tensor,
       vis: Tensor,
       undefined: str = 'half') -> Tensor:
    r"""Yang's metric Qy (Yang et al. 2008; Liu's ``metricYang``).

    .. math::
        Q_{y,w} = \begin{cases}\lambda_w SSIM_w(A,F) + (1-\lambda_w)
                  SSIM_w(B,F) & SSIM_w(A,B) \ge 0.75\\
                  \max(SSIM_w(A,F), SSIM_w(B,F)) & \text{else}\end{cases},
        \quad \lambda_w = \frac{\sigma_{A,w}^2}{\sigma_{A,w}^2+\sigma_{B,w}^2}

    averaged over the windows; 7x7 Gaussian windows, C1 = C2 = 2e-16. Where
    both sources are flat λ is ½ (``undefined='half'``) or NaN, making Qy
    NaN (``'nan'``, the toolbox, which multiplies the NaN by 0 in the
    second branch and keeps it).

    Returns:
        float64 tensor (B,); NaN for images smaller than 11x11.
    """
    _check_rule(undefined)
    f, a, b = as_triple(fused, ir, vis)
    if min(f.shape[-2:]) < 11:
        return nan_like_batch(f)
    return _yang(a, b, _ssim_to_sources(f, a, b)[1], undefined)


def qc_qy(fused: Tensor,
          ir: Tensor,
          vis: Tensor,
          undefined: str = 'half') -> Tuple[Tensor, Tensor]:
    """Cvejic's Qc and Yang's Qy (see :func:`qc`, :func:`qy`) sharing the
    7x7 SSIM statistics of the sources against F."""
    _check_rule(undefined)
    f, a, b = as_triple(fused, ir, vis)
    if min(f.shape[-2:]) < 11:
        return nan_like_batch(f), nan_like_batch(f)
    st, q = _ssim_to_sources(f, a, b)
    return _cvejic(st, q, undefined), _yang(a, b, q, undefined)


def _cvejic(st, q: Tensor, undefined: str) -> Tensor:
    """Qc from the 7x7 statistics and SSIM maps of [A, B] against F."""
    cov = st[4]
    mu = _ratio(cov[:, :1], cov[:, :1] + cov[:, 1:], undefined)
    mu = torch.where(mu < 0, 0.0, torch.where(mu > 1, 1.0, mu))  # keeps NaN
    return (mu * q[:, :1] + (1 - mu) * q[:, 1:]).mean((1, 2, 3))


def _yang(a: Tensor, b: Tensor, q: Tensor, undefined: str) -> Tensor:
    """Qy from the sources and the SSIM maps of [A, B] against F."""
    st_ab = local_stats(a, b, 7)
    q_ab = ssim_map(st_ab, 2e-16, 2e-16)
    var_a, var_b = st_ab[2], st_ab[3]
    lam = _ratio(var_a, var_a + var_b, undefined)
    similar = q_ab >= 0.75
    mixed = lam * q[:, :1] + (1 - lam) * q[:, 1:]
    best = torch.maximum(q[:, :1], q[:, 1:])
    if undefined == 'nan':  # the toolbox's 0 * NaN in the other branch
        out = mixed * similar + best * ~similar
    else:
        out = torch.where(similar, mixed, best)
    return out.mean((1, 2, 3))
