"""Zhao's phase-congruency fusion metric Qp and the phase-congruency maps it
compares.

Phase congruency follows Kovesi's ``phasecong3`` as revised in Liu's
toolbox (``myphasecong3.m``): a bank of log-Gabor filters (4 scales,
6 orientations) applied in the frequency domain, noise compensation from
the median response at the finest scale, a sigmoid penalising narrow
frequency spreads, and the principal moments of the orientation covariance
of the per-orientation congruencies. The filter bank depends only on the
image size and is built once per size. Qp (Zhao, Laganière & Liu, IJICIC
3(6A), 2007; Liu's ``metricZhao.m``) then correlates the congruency and the
two moments of F with those of the sources, locally, where the sources
have features.
"""
import functools
import math
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ._fft import irfft2, rfft2
from ._filters import separable_filter
from ._utils import as_triple, sum64
from .structural import _gaussian

N_SCALES = 4
N_ORIENT = 6
MIN_WAVELENGTH = 3.0
MULT = 2.1
SIGMA_ON_F = 0.55
D_THETA_ON_SIGMA = 1.2
NOISE_K = 2.0
CUT_OFF = 0.5
SPREAD_GAIN = 10.0
EPS = 1e-4
FEATURE_THRESHOLD = 0.1
QP_C = 1e-4


class PhaseCongruency(NamedTuple):
    """Per-pixel maps, each (N, H, W) in the images' dtype."""
    pc: Tensor  # phase congruency, 0..1
    max_moment: Tensor  # M, edge strength
    min_moment: Tensor  # m, corner strength


def _centred_grid(n: int, device) -> Tensor:
    """``myphasecong3``'s normalised frequency coordinate along one axis:
    ``(k - n/2)/n`` for even n, ``(k - (n-1)/2)/(n-1)`` for odd n."""
    k = torch.arange(n, dtype=torch.float64, device=device)
    if n % 2:
        return (k - (n - 1) / 2) / max(n - 1, 1)
    return (k - n / 2) / n


@functools.lru_cache(maxsize=4)
def _filter_bank(h: int, w: int, device: str, dtype: torch.dtype):
    """:func:`_filter_bank64` in ``dtype``, cached."""
    return tuple(t.to(dtype) for t in _filter_bank64(h, w, device))


@functools.lru_cache(maxsize=4)
def _filter_bank64(h: int, w: int, device: str):
    r"""Log-Gabor filters and the noise model's constants for an H x W image.

    .. math::
        G_{s,o}(r, \theta) = e^{-\frac{\ln^2(r/f_s)}{2\ln^2 0.55}}\;
            \frac{1}{1 + (r_{lp}/0.45)^{30}}\;
            e^{-\frac{\Delta\theta_o^2}{2\sigma_\theta^2}}

    with ``f_s = 1/(3 \cdot 2.1^s)`` and σ_θ = π/6/1.2 (the low-pass's
    grid is ``fftshift``-ed where the log-Gabor's is ``ifftshift``-ed,
    as in the toolbox; the two differ by one bin on odd sizes).

    The filters G (zero frequency at [0, 0]) are returned as their even
    and odd parts ``(G(k) ± G(-k))/2`` on the half spectrum of ``rfft2``:
    for a real image X the even part gives the real (even-symmetric)
    response and the odd part, times -i, the imaginary (odd) one, each as
    a real inverse FFT.

    Returns:
        ``(even (O, S, H, W//2+1), odd (same), em_n (O,), sum_an2 (O,),
        sum_aiaj (O,))``: with, per orientation, the finest filter's energy
        Σ G² and, of the spatial filters ``g = Re(ifft2(G))·sqrt(HW)``,
        Σ_s Σ g_s² and Σ_{s<t} Σ g_s g_t (the noise model).
    """
    dev = torch.device(device)
    x = _centred_grid(w, dev)[None, :]
    y = _centred_grid(h, dev)[:, None]
    radius = torch.sqrt(x * x + y * y)
    radius[h // 2, w // 2] = 1.0
    theta = torch.fft.ifftshift(torch.atan2(-y, x).expand(h, w))
    radius = torch.fft.ifftshift(radius)
    xl = (torch.arange(w, dtype=torch.float64, device=dev) - w // 2) / w
    yl = (torch.arange(h, dtype=torch.float64, device=dev) - h // 2) / h
    r_lp = torch.sqrt(xl[None, :]**2 + yl[:, None]**2)
    low_pass = torch.fft.fftshift(1.0 / (1.0 + (r_lp / 0.45)**30))
    log_gabor = []
    for s in range(N_SCALES):
        fo = 1.0 / (MIN_WAVELENGTH * MULT**s)
        g = torch.exp(-torch.log(radius / fo)**2 /
                      (2 * math.log(SIGMA_ON_F)**2)) * low_pass
        g[0, 0] = 0.0
        log_gabor.append(g)
    log_gabor = torch.stack(log_gabor)
    sin_t, cos_t = torch.sin(theta), torch.cos(theta)
    sigma_theta = math.pi / N_ORIENT / D_THETA_ON_SIGMA
    filters = []
    for o in range(N_ORIENT):
        angle = o * math.pi / N_ORIENT
        ds = sin_t * math.cos(angle) - cos_t * math.sin(angle)
        dc = cos_t * math.cos(angle) + sin_t * math.sin(angle)
        d_theta = torch.atan2(ds, dc).abs()
        spread = torch.exp(-d_theta**2 / (2 * sigma_theta**2))
        filters.append(log_gabor * spread)
    filters = torch.stack(filters)  # (O, S, H, W)
    em_n = (filters[:, 0]**2).sum((-2, -1))
    g = torch.fft.ifft2(filters).real * math.sqrt(h * w)
    sum_an2 = (g * g).sum((1, 2, 3))
    sum_aiaj = torch.zeros(N_ORIENT, dtype=torch.float64, device=dev)
    for si in range(N_SCALES - 1):
        for sj in range(si + 1, N_SCALES):
            sum_aiaj += (g[:, si] * g[:, sj]).sum((-2, -1))
    # G(-k): index (-i mod H, -j mod W)
    mirrored = torch.roll(filters.flip(-2, -1), (1, 1), (-2, -1))
    half = w // 2 + 1
    even = (0.5 * (filters + mirrored))[..., :half]
    odd = (0.5 * (filters - mirrored))[..., :half]
    return even, odd, em_n, sum_an2, sum_aiaj


def _median(x: Tensor) -> Tensor:
    """Median over the last dim, the mean of the two middle values for an
    even count (MATLAB's ``median``; ``torch.median`` takes the lower).
    On CPU the two middle values come from a compiled radix histogram
    (:func:`._phase_congruency_compiled.middle_values`, ~3x faster than
    one ``torch.kthvalue``)."""
    if x.device.type != 'cpu':
        return _median_kthvalue(x)
    # Numba loads on first use, not with the package
    from ._phase_congruency_compiled import middle_values
    rows = x.to(torch.float64).reshape(-1, x.shape[-1]).numpy()
    pairs = torch.tensor(
        [middle_values(np.ascontiguousarray(r)) for r in rows])
    return pairs.mean(-1).to(x.dtype).reshape(x.shape[:-1])


def _median_kthvalue(x: Tensor) -> Tensor:
    """:func:`_median` with ``torch.kthvalue`` (any device)."""
    n = x.shape[-1]
    lo = torch.kthvalue(x, (n + 1) // 2, dim=-1).values
    if n % 2:
        return lo
    # the smallest value above lo (values <= lo pushed up to the float
    # maximum: faster than torch.where), unless lo repeats
    at_most = x <= lo[..., None]
    hi = (x + at_most.to(x.dtype) * torch.finfo(x.dtype).max).amin(-1)
    hi = torch.where(at_most.sum(-1) > n // 2, lo, hi)
    return 0.5 * (lo + hi)


def _noise_threshold(median_amp0_sq: Tensor, em_n: Tensor, sum_an2: Tensor,
                     sum_aiaj: Tensor) -> Tensor:
    r"""Kovesi's noise threshold T per image, from the median of the finest
    scale's squared amplitudes over the image (N,): Rayleigh-distributed
    noise of power
    :math:`P = -\operatorname{median}(A_0^2)/(\ln 0.5\,\sum G_0^2)`,

    .. math::
        \tau = \sqrt{(2P\sum_s g_s^2 + 4P\sum_{s<t} g_s g_t)/2},\quad
        T = \tau\,\big(\sqrt{\pi/2} + k\sqrt{2 - \pi/2}\big)/1.7
    """
    noise_power = -median_amp0_sq / math.log(0.5) / em_n
    tau = torch.sqrt(
        (2 * noise_power * sum_an2 + 4 * noise_power * sum_aiaj) / 2)
    return tau * (math.sqrt(math.pi / 2) +
                  NOISE_K * math.sqrt(2 - math.pi / 2)) / 1.7


def _add_orientation(e: Tensor, od: Tensor, threshold, o: int,
                     sums: Tensor) -> None:
    """Adds orientation o's W·E, Σ_s A_s and covariance products of PC_o to
    ``sums`` (5, N, H, W): total energy, Σ A, cov_xx, cov_yy, cov_xy."""
    amp = torch.sqrt(e * e + od * od)
    sum_an = amp.sum(1)
    max_an = amp.amax(1)
    sum_e = e.sum(1)
    sum_o = od.sum(1)
    x_energy = torch.sqrt(sum_e * sum_e + sum_o * sum_o) + EPS
    mean_e = (sum_e / x_energy)[:, None]
    mean_o = (sum_o / x_energy)[:, None]
    # Σ_s e·ē + o·ō − |e·ō − o·ē|, with (ē, ō) the mean direction
    energy = (
        sum_e * mean_e[:, 0] + sum_o * mean_o[:, 0] -
        (e * mean_o - od * mean_e).abs().sum(1))
    tau = threshold(_median(amp[:, 0].flatten(1)**2))[:, None, None]
    energy = torch.clamp_min(energy - tau, 0.0)
    width = sum_an / (max_an + EPS) / N_SCALES
    weight = 1.0 / (1.0 + torch.exp((CUT_OFF - width) * SPREAD_GAIN))
    weighted = weight * energy
    pc_o = weighted / sum_an
    angle = o * math.pi / N_ORIENT
    cx, cy = pc_o * math.cos(angle), pc_o * math.sin(angle)
    for acc, term in zip(sums, (weighted, sum_an, cx * cx, cy * cy, cx * cy)):
        acc += term


def _add_orientation_compiled(e: Tensor, od: Tensor, threshold, o: int,
                              sums: Tensor) -> None:
    """:func:`_add_orientation` for CPU maps, fused into two compiled
    passes per image (:mod:`._phase_congruency_compiled`), the terms
    stored in the responses' dtype (float32 halves their memory traffic;
    Qp moves by < 1e-8)."""
    # Numba loads on first use, not with the package
    from ._phase_congruency_compiled import (accumulate_orientation,
                                             middle_values_of_histogram,
                                             orientation_energy)
    h, w = sums.shape[-2:]
    for i in range(e.shape[0]):
        sum_an, energy, width, amp0_sq = torch.empty((4, h, w), dtype=e.dtype)
        hist = np.zeros(1 << 16, np.int64)
        orientation_energy(e[i].numpy(), od[i].numpy(), sum_an.numpy(),
                           energy.numpy(), width.numpy(), amp0_sq.numpy(),
                           hist)
        median = np.mean(middle_values_of_histogram(amp0_sq.numpy(), hist))
        tau = float(threshold(torch.tensor([median], dtype=torch.float64))[0])
        # 1/(1 + e^{(c - width)·g}), vectorised
        weight = torch.sigmoid((width - CUT_OFF) * SPREAD_GAIN)
        accumulate_orientation(sum_an.numpy(), energy.numpy(), weight.numpy(),
                               tau, o * math.pi / N_ORIENT,
                               *(t[i].numpy() for t in sums))


def phase_congruency(x: Tensor) -> PhaseCongruency:
    r"""Phase congruency and its moments (Kovesi; Liu's ``myphasecong3``).

    Per orientation o, with the responses :math:`e_s + i\,o_s` of the
    scales s, amplitudes :math:`A_s`, and the mean phase direction
    :math:`\bar\phi` of :math:`\sum_s (e_s + i o_s)`:

    .. math::
        E_o = \max\Big(\sum_s A_s\big(\cos(\phi_s - \bar\phi)
              - |\sin(\phi_s - \bar\phi)|\big) - T_o,\ 0\Big),\quad
        W_o = \frac{1}{1 + e^{10(0.5 - \frac{\sum_s A_s}
              {4(\max_s A_s + 10^{-4})})}}

        PC = \frac{\sum_o W_o E_o}{\sum_{o,s} A_{s,o} + 10^{-4}},\quad
        PC_o = \frac{W_o E_o}{\sum_s A_{s,o}}

    with the noise threshold :math:`T_o` from the median of
    :math:`A_{0,o}^2`; M and m are the largest and smallest eigenvalues of
    the covariance of :math:`(PC_o\cos\theta_o, PC_o\sin\theta_o)` over the
    orientations (sums normalised by O/2, as the toolbox).

    Args:
        x: (N, H, W) float images; the FFTs run in their precision.

    Returns:
        :class:`PhaseCongruency` maps; where a pixel has no response at
        some orientation (Σ_s A = 0, e.g. constant images) PC_o is 0/0 and
        M, m are NaN, as in the toolbox.
    """
    if x.shape[0] > 1 and x.device.type == 'cpu':
        # one image at a time: 25% less CPU time (temporaries stay cached)
        maps = [phase_congruency(x[i:i + 1]) for i in range(x.shape[0])]
        return PhaseCongruency(*(torch.cat(m) for m in zip(*maps)))
    n, h, w = x.shape
    even, odd, em_n, sum_an2, sum_aiaj = _filter_bank(h, w, str(x.device),
                                                      x.dtype)
    spectrum = rfft2(x)[:, None]  # (N, 1, H, W//2+1)
    spectrum_odd = spectrum * -1j
    compiled = x.device.type == 'cpu'
    add_orientation = _add_orientation_compiled if compiled \
        else _add_orientation
    sums = torch.zeros((5, ) + x.shape, dtype=x.dtype, device=x.device)
    for o in range(N_ORIENT):
        # even and odd responses e_s, o_s of the S scales, (N, S, H, W)
        e = irfft2(spectrum * even[o], s=(h, w))
        od = irfft2(spectrum_odd * odd[o], s=(h, w))
        threshold = functools.partial(
            _noise_threshold,
            em_n=em_n[o],
            sum_an2=sum_an2[o],
            sum_aiaj=sum_aiaj[o])
        add_orientation(e, od, threshold, o, sums)
    total_energy, total_sum_an, cov_xx, cov_yy, cov_xy = sums.to(x.dtype)
    pc = total_energy / (total_sum_an + EPS)
    cov_xx /= N_ORIENT / 2
    cov_yy /= N_ORIENT / 2
    cov_xy /= N_ORIENT  # = 2 cov_xy / (O/2)
    denom = torch.sqrt(cov_xy**2 + (cov_xx - cov_yy)**2) + EPS
    return PhaseCongruency(pc, (cov_yy + cov_xx + denom) / 2,
                           (cov_yy + cov_xx - denom) / 2)


def _masked_correlation(src: Tensor, masks: Tensor, feat_f: Tensor) -> Tensor:
    r"""Zhao's per-pixel score for one feature: the largest of the local
    correlations with F of the (masked) features of A, B and max(A, B).

    .. math::
        \rho_k = \frac{\sigma_{kF} + C}{\sqrt{|\sigma_k^2\sigma_F^2|} + C}
        \ \text{where } \text{mask}_k,\ 0 \text{ elsewhere};\quad
        \text{score} = \max_k \rho_k

    11x11 Gaussian windows (σ = 1.5), 'same' size with zero padding,
    C = 1e-4. (Zero where a mask is off is one of the candidates of the
    max: a negative correlation counts as 0 unless all three masks are
    on.)

    Args:
        src: (N, 3, H, W) features of A, B and max(A, B), already masked.
        masks: (N, 3, H, W) bool feature masks.
        feat_f: (N, 1, H, W) feature of F.

    Returns:
        (N,) sum of the score over the pixels. On CPU one compiled pass per
        image (:func:`._phase_congruency_compiled.masked_correlation_sum`).
    """
    k = _gaussian(11, 1.5, str(src.device)).to(src.dtype)
    if src.device.type != 'cpu':
        return _masked_correlation_conv(src, masks, feat_f, k)
    # Numba loads on first use, not with the package
    from ._phase_congruency_compiled import masked_correlation_sum
    return torch.tensor([
        masked_correlation_sum(s.contiguous().numpy(), m.numpy(),
                               f[0].contiguous().numpy(), k.numpy(), QP_C)
        for s, m, f in zip(src, masks, feat_f)
    ],
                        dtype=torch.float64)


def _masked_correlation_conv(src: Tensor, masks: Tensor, feat_f: Tensor,
                             k: Tensor) -> Tensor:
    """:func:`_masked_correlation` by convolutions of the 11 moment maps
    (any device), with the 1-D window k."""
    maps = torch.cat([src, feat_f, src * src, feat_f * feat_f, src * feat_f],
                     1)
    # NHWC: oneDNN's depthwise convolution of 11 maps is faster (on CPU,
    # where this path is the compiled one's reference in the tests)
    m = separable_filter(F.pad(maps, (5, 5, 5, 5)), k, channels_last=True)
    mu, mu_f = m[:, :3], m[:, 3:4]
    var = m[:, 4:7] - mu * mu
    var_f = m[:, 7:8] - mu_f * mu_f
    cov = m[:, 8:11] - mu * mu_f
    rho = (cov + QP_C) / (torch.sqrt((var * var_f).abs()) + QP_C)
    rho = torch.where(masks, rho, 0.0)
    return sum64(rho.amax(1), (1, 2))


def qp(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Qp: Zhao's phase-congruency metric (Zhao, Laganière & Liu 2007;
    Liu's ``metricZhao.m``).

    With PC, M, m the phase congruency and its moments
    (:func:`phase_congruency`) of A, B, F and of max(A, B) (the source with
    the larger PC, per pixel), masks :math:`PC_k > 0.1`, and
    :math:`S_X` the per-pixel score of :func:`_masked_correlation`:

    .. math::
        P = \frac{\sum S_{PC}}{\#\{PC_{max} > 0.1\}},\ \
        M' = \frac{\sum S_M}{\#\{\cdot\}},\ \
        m' = \frac{\sum S_m}{\#\{\cdot\}},\qquad Q_p = P\,M'\,m'

    Higher is better; at most 1 where every correlation is 1. The FFTs and
    window sums run in float32 (the toolbox: float64), which moves Qp by
    under 1e-5 relative on the reference images.

    Returns:
        float64 tensor (B,); NaN when neither source has a feature (no
        pixel with PC > 0.1: 0/0), or where F's moments are NaN (F
        constant) at a pixel where all three masks are on.
    """
    f, a, b = as_triple(fused, ir, vis)
    n = f.shape[0]
    x = torch.cat([a, b, f], 1).flatten(0, 1)
    maps = phase_congruency(x)
    # a constant image has no congruency (PC 0, the toolbox's 0/ε) and
    # undefined moments (0/0); its float FFT leaves rounding-level responses
    flat = (x.amax((-2, -1)) == x.amin((-2, -1)))[:, None, None]
    maps = PhaseCongruency(
        torch.where(flat, 0.0, maps.pc),
        *(torch.where(flat, math.nan, m) for m in maps[1:]))
    result = torch.ones(n, dtype=torch.float64, device=f.device)
    pc = maps.pc.view(n, 3, *f.shape[-2:])
    first = pc[:, :1] > pc[:, 1:2]
    masks = torch.cat(
        [pc[:, :2], torch.where(first, pc[:, :1], pc[:, 1:2])],
        1) > FEATURE_THRESHOLD
    area = masks[:, 2].sum((1, 2)).to(torch.float64)
    for feat in maps:
        feat = feat.view(n, 3, *f.shape[-2:])
        src = torch.cat(
            [feat[:, :2],
             torch.where(first, feat[:, :1], feat[:, 1:2])], 1)
        src = torch.where(masks, src, 0.0)
        result = result * _masked_correlation(src, masks, feat[:, 2:]) / area
    return result
