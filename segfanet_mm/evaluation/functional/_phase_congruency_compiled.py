r"""The per-pixel terms of :func:`.phase_congruency.phase_congruency`, one
orientation at a time, compiled with Numba for maps in CPU memory.

Two fused passes per orientation replace ~40 whole-image PyTorch
operations (each a pass over memory): :func:`orientation_energy` before the
noise threshold is known (it needs the median of the finest scale's
squared amplitude over the image), :func:`accumulate_orientation` after.
The equations are in :func:`.phase_congruency.phase_congruency`; the
maps and sums are stored in the responses' precision (float32), as the
PyTorch version's.
:func:`middle_values` finds the two middle values of the image for the
noise threshold's median by a radix histogram (2x faster than NumPy's
partition), which :func:`orientation_energy` fills as it goes.
:func:`masked_correlation_sum` is Qp's per-feature score
(:func:`.phase_congruency._masked_correlation`) in one float32 pass.
"""
import math

import numpy as np
from numba import njit

from ._filter_compiled import _filter_row
from .phase_congruency import EPS

_FASTMATH = {'nsz', 'arcp', 'contract'}


@njit(cache=True, fastmath=_FASTMATH, error_model='numpy')
def orientation_energy(even, odd, sum_amp, energy, width, amp0_sq, hist):
    """even, odd (S, H, W): the scales' responses e_s, o_s. Writes, per
    pixel, Σ_s A_s (sum_amp), the unthresholded energy
    Σ_s e·ē + o·ō − |e·ō − o·ē| (energy), Σ_s A_s / (S (max_s A_s + ε))
    (width) and A_0² (amp0_sq), and adds the counts of A_0²'s
    :func:`_radix` bins to hist (for the median). Loops over a row
    innermost, so that LLVM vectorises them."""
    scales, h, w = even.shape
    sum_e, sum_o = np.empty(w), np.empty(w)
    total, peak = np.empty(w), np.empty(w)
    for i in range(h):
        for j in range(w):
            e, o = even[0, i, j], odd[0, i, j]
            sq = e * e + o * o
            amp0_sq[i, j] = sq
            total[j] = peak[j] = math.sqrt(sq)
            sum_e[j], sum_o[j] = e, o
        for j in range(w):
            hist[_radix(amp0_sq[i, j])] += 1
        for s in range(1, scales):
            for j in range(w):
                e, o = even[s, i, j], odd[s, i, j]
                amp = math.sqrt(e * e + o * o)
                total[j] += amp
                peak[j] = max(peak[j], amp)
                sum_e[j] += e
                sum_o[j] += o
        for j in range(w):
            norm = math.sqrt(sum_e[j] * sum_e[j] + sum_o[j] * sum_o[j]) + EPS
            sum_e[j] /= norm  # now the mean direction (ē, ō)
            sum_o[j] /= norm
            energy[i, j] = (sum_e[j] * sum_e[j] + sum_o[j] * sum_o[j]) * norm
            sum_amp[i, j] = total[j]
            width[i, j] = total[j] / (peak[j] + EPS) / scales
        for s in range(scales):
            for j in range(w):
                energy[i, j] -= abs(even[s, i, j] * sum_o[j] -
                                    odd[s, i, j] * sum_e[j])


@njit(cache=True, fastmath=_FASTMATH, error_model='numpy')
def accumulate_orientation(sum_amp, energy, weight, threshold, angle,
                           total_energy, total_sum_amp, cov_xx, cov_yy,
                           cov_xy):
    """Adds one orientation's thresholded energy times its spread weight W
    to total_energy, Σ_s A_s to total_sum_amp, and the products of
    PC_o (cos θ, sin θ) to the covariance sums (PC_o = W·E / Σ_s A_s:
    0/0 = NaN where there is no response)."""
    c, s = math.cos(angle), math.sin(angle)
    h, w = energy.shape
    for i in range(h):
        for j in range(w):
            weighted = weight[i, j] * max(energy[i, j] - threshold, 0.0)
            total_sum_amp[i, j] += sum_amp[i, j]
            total_energy[i, j] += weighted
            pc = weighted / sum_amp[i, j]
            cov_xx[i, j] += pc * c * pc * c
            cov_yy[i, j] += pc * s * pc * s
            cov_xy[i, j] += pc * c * pc * s


@njit(cache=True, error_model='numpy', inline='always')
def _radix(value):
    """The top 16 bits of a uint64 key that orders like the float64 value
    (the bits, sign bit set, for value >= 0; all bits inverted below)."""
    key = np.float64(value).view(np.uint64)
    key = ~key if key >> np.uint64(63) else key | (np.uint64(1) << 63)
    return key >> np.uint64(48)


@njit(cache=True, error_model='numpy')
def middle_values(x):
    """The ⌊(n-1)/2⌋-th and ⌊n/2⌋-th smallest values of the float
    array x (n >= 1), by :func:`middle_values_of_histogram`."""
    hist = np.zeros(1 << 16, np.int64)
    for v in x.ravel():
        hist[_radix(v)] += 1
    return middle_values_of_histogram(x, hist)


@njit(cache=True, error_model='numpy')
def middle_values_of_histogram(x, hist):
    """:func:`middle_values` of x given hist, the counts of its values'
    :func:`_radix` bins: a sort of the values in the bins that hold the
    two middle ones."""
    values = x.ravel()
    n = values.size
    lower, upper = (n - 1) // 2, n // 2
    first = last = -1
    before = count = 0
    for b in range(1 << 16):
        if first < 0 and count + hist[b] > lower:
            first, before = b, count
        count += hist[b]
        if count > upper:
            last = b
            break
    picked = np.empty(count - before, values.dtype)
    j = 0
    for v in values:
        if first <= _radix(v) <= last:
            picked[j] = v
            j += 1
    picked.sort()
    return picked[lower - before], picked[upper - before]


@njit(cache=True, fastmath={'contract'}, error_model='numpy', inline='always')
def _moment_row(src, feat, r, out):
    """out (3 S + 2, W): row r of feat, feat², then of each src[s], src[s]²
    and src[s]·feat."""
    for j in range(feat.shape[1]):
        f = feat[r, j]
        out[0, j] = f
        out[1, j] = f * f
    for m in range(src.shape[0]):
        for j in range(feat.shape[1]):
            a = src[m, r, j]
            out[2 + 3 * m, j] = a
            out[3 + 3 * m, j] = a * a
            out[4 + 3 * m, j] = a * feat[r, j]


@njit(cache=True, fastmath={'contract'}, error_model='numpy')
def masked_correlation_sum(src, masks, feat, kernel, c):
    """Σ over the pixels of max_k(ρ_k where masks[k], else 0), the local
    correlations ρ_k = (σ_kF + c)/(sqrt|σ_k² σ_F²| + c) of src[k] (S, H, W)
    with feat (H, W) in windows kernel ⊗ kernel, zero-padded to 'same' size
    (float64 result, NaN if any ρ under a mask is).

    One output row at a time: the moment maps' rows (feat, feat², src,
    src², src·feat) are formed once into a ring of n rows that stays in
    cache, summed vertically, then filtered horizontally. The PyTorch
    version filters 11 whole-image maps (3x slower on one thread).
    """
    n_src, h, w = src.shape
    n = kernel.size
    pad = n // 2
    n_maps = 3 * n_src + 2
    ring = np.empty((n, n_maps, w), src.dtype)
    rows = np.zeros((n_maps, w + 2 * pad), src.dtype)
    out = np.empty((n_maps, w), src.dtype)
    best = np.empty(w)
    for r in range(min(pad, h)):
        _moment_row(src, feat, r, ring[r % n])
    total = 0.0
    for i in range(h):
        if i + pad < h:
            _moment_row(src, feat, i + pad, ring[(i + pad) % n])
        rows[:] = 0.0
        for u in range(max(0, pad - i), min(n, h + pad - i)):
            k = kernel[u]
            moments = ring[(i + u - pad) % n]
            for m in range(n_maps):
                for j in range(w):
                    rows[m, pad + j] += moments[m, j] * k
        for m in range(n_maps):
            _filter_row(rows[m], kernel, out[m])
        best[:] = -math.inf
        for m in range(n_src):
            for j in range(w):
                mu, mu_f = out[2 + 3 * m, j], out[0, j]
                var = out[3 + 3 * m, j] - mu * mu
                var_f = out[1, j] - mu_f * mu_f
                cov = out[4 + 3 * m, j] - mu * mu_f
                rho = (cov + c) / (math.sqrt(abs(var * var_f)) + c)
                rho = rho if masks[m, i, j] else 0.0
                best[j] = rho if rho > best[j] or rho != rho else best[j]
        total += best.sum()
    return total
