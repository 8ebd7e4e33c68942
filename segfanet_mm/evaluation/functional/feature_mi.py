"""Haghighat's feature mutual information (FMI): FMI_pixel, FMI_dct, FMI_w.

Fast-FMI (Haghighat, Aghagolzadeh & Seyedarabi, Comput. Electr. Eng. 37(5),
2011; Haghighat & Razian, AICT 2014), as Haghighat's ``fmi.m`` (copied
into Tang's ``analysis_fmi.m``) computes it: in every 3x3 window the
feature values of a source and of F, each stretched to [0, 1], are read as
two 9-bin distributions (in column-major order); their joint distribution
is Nelsen's mixture of the independent one and the Fréchet bound (upper
for a positive correlation, lower for a negative one) that reproduces
their Pearson correlation, and the window's score is the normalised mutual
information. The Fréchet bound's mass lies on at most 17 of the 81 cells
(where the two CDFs' steps overlap), found by merging the two CDFs, and
the independent part's entropy has a closed form. Windows are scored by
compiled code on CPU (:mod:`._fmi_compiled`) and in vectorised blocks of
PyTorch operations elsewhere (below).
"""

from typing import NamedTuple

import torch
from torch import Tensor

from ._utils import as_triple, nan_like_batch
from .transforms import dct2, dwt2_dmey

FMI_FEATURES = ('none', 'dct', 'wavelet')
WINDOW = 3
_BINS = WINDOW * WINDOW
_BLOCK = 8192  # windows per step: the (2, 9, 9, L) comparisons stay in cache


class _Windows(NamedTuple):
    """Statistics of N x L windows, bins first: (N, 9, L) or (N, L)."""
    pdf: Tensor  # the window stretched to [0, 1], divided by its sum
    cdf: Tensor  # its running sum over the bins
    cdf_flip: Tensor  # the running sum of the reversed window
    entropy: Tensor  # H(p) = -Σ p log2 p
    index_sd: Tensor  # standard deviation of the bin index under p
    centred: Tensor  # p minus its mean (Pearson correlation)
    norm2: Tensor  # Σ centred²
    flat: Tensor  # the window is constant


def _window_blocks(x: Tensor):
    """Yield the 3x3 windows of (C, H, W) maps in blocks of rows, as
    (C, 9, L) tensors, bins in MATLAB's column-major window order first:
    every per-bin step is then one vector operation over L windows."""
    view = x.unfold(-2, WINDOW, 1).unfold(-2, WINDOW, 1)  # (C, h, w, r, c)
    rows = max(1, _BLOCK // view.shape[2])
    for r0 in range(0, view.shape[1], rows):
        block = view[:, r0:r0 + rows].permute(0, 4, 3, 1, 2)  # (C, c, r, ..)
        yield block.reshape(x.shape[0], _BINS, -1)


def _cumsum_bins(p: Tensor) -> Tensor:
    """Running sum over dim 1 of (N, 9, L), one bin at a time: adds in
    order in the input's precision, so the CDF is monotone (``torch.cumsum``
    over a middle dim is several times slower on CPU)."""
    out = torch.empty_like(p)
    out[:, 0] = p[:, 0]
    for k in range(1, p.shape[1]):
        torch.add(out[:, k - 1], p[:, k], out=out[:, k])
    return out


def _select(mask: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """``where(mask, a, b)`` for finite a, b and a float 0/1 mask, as
    ``a·m + b·(1-m)`` (exact: one product is 0, the other is ×1);
    ``torch.where`` is an order of magnitude slower than a multiply on
    CPU."""
    return a * mask + b * (1 - mask)


def _window_stats(win: Tensor) -> _Windows:
    """Each window (N, 9, L) stretched to [0, 1] (a flat one becomes all
    ones), divided by its sum, and the statistics :func:`_pair_fmi` uses,
    in the windows' dtype (:func:`fmi`: float64), except that the CDFs and
    the index moments are always accumulated in float64: κ divides by
    differences of their sums, which float32 rounding moves visibly in
    ill-conditioned windows."""
    lo = win.amin(1, keepdim=True)
    hi = win.amax(1, keepdim=True)
    flat = hi == lo
    # flat: 0/1 + 1 = 1 everywhere
    v = (win - lo) / (hi - lo + flat) + flat
    p = v / v.sum(1, keepdim=True)
    p64 = p.to(torch.float64)
    idx = torch.arange(1, _BINS + 1, dtype=p64.dtype, device=p.device)
    m = torch.matmul(torch.stack([idx, idx * idx]), p64)  # (N, 2, L)
    centred = p - p.mean(1, keepdim=True)
    return _Windows(p,
                    _cumsum_bins(p64).to(p.dtype),
                    _cumsum_bins(p64.flip(1)).to(p.dtype),
                    -(p * _log2(p)).sum(1),
                    torch.sqrt(m[:, 1] - m[:, 0] * m[:, 0]).to(p.dtype),
                    centred, (centred * centred).sum(1), flat[:, 0])


def _log2(p: Tensor) -> Tensor:
    """``log2|p|``, finite at p = 0 (so that ``p·log2|p|`` is 0 there, the
    toolbox's skipped term)."""
    return torch.log2(p.abs().clamp_min(torch.finfo(p.dtype).tiny))


def _pair_fmi(src: _Windows, fus: _Windows) -> Tensor:
    r"""Normalised MI of source windows p, (N, 9, L), and F's windows q,
    (1, 9, L) (shared by the N sources); (N, L).

    With CDFs P, Q, Pearson correlation c of the two 9-vectors and the
    standard deviations s_p, s_q of the bin index under p and q:

    .. math::
        \kappa = \frac{c}{\operatorname{corr}(C)},\quad
        \operatorname{corr}(C) = \frac{\sum_{i,j} C(Q_i, P_j) - Q_i P_j}
                                 {s_q s_p},\quad
        C(u, v) = \begin{cases}\min(u, v) & c \ge 0\\
                  \max(u + v - 1, 0) & c < 0\end{cases}

        \pi_{ij} = \kappa\,\Delta_i\Delta_j C(Q_i, P_j)
                   + (1 - \kappa)\,q_i p_j,\qquad
        FMI = \frac{2\,(H(p) + H(q) - H(\pi))}{H(p) + H(q)}

    (κ = 0 when c = 0 or a standard deviation is 0; H(π) sums
    −π log2|π| over π ≠ 0; FMI = 0 when the MI is exactly 0.)

    The bound's mass ΔΔC lies on the cells where a bin interval of Q
    overlaps one of R, the CDF of p (of the reversed p for c < 0): one
    cell per segment of the merged CDFs, each ending at a Q_i (in R-bin
    #{k: R_k < Q_i}) or an R_k (in Q-bin #{i: Q_i <= R_k}; ties: Q first,
    the second segment is empty). Only those 18 cells need a logarithm:
    elsewhere π = (1-κ) q_i p_j, whose entropy sums in closed form.
    """
    p, q = src.pdf, fus.pdf
    n = p.shape[0]
    num = (src.centred * fus.centred).sum(1)
    c = torch.where(num == 0, 0.0, num / torch.sqrt(src.norm2 * fus.norm2))
    sd = src.index_sd * fus.index_sd
    neg = (c < 0)[:, None].to(p.dtype)  # (N, 1, L), 0/1
    r = _select(neg, p.flip(1), p)
    r_cdf = _select(neg, src.cdf_flip, src.cdf)
    q_cdf = fus.cdf.expand_as(r)
    # [i, k]: R_k < Q_i; counted in uint8 (a bool sum makes int64 copies)
    below = (r_cdf[:, None] < q_cdf[:, :, None]).view(torch.uint8)
    r_idx = below.sum(2, dtype=torch.uint8)  # R-bin ending at Q_i
    q_after = below.sum(1, dtype=torch.uint8)  # 9 - Q-bin ending at R_k
    r_idx, q_idx = r_idx.long(), _BINS - q_after.long()
    zero = torch.zeros_like(r[:, :1])
    q_pad = torch.cat([zero, q_cdf], 1)  # Q_{-1} = 0
    r_pad = torch.cat([zero, r_cdf], 1)
    start_q = torch.maximum(q_pad[:, :-1], r_pad.gather(1, r_idx))
    start_r = torch.maximum(r_pad[:, :-1], q_pad.gather(1, q_idx))
    seg_q, seg_r = q_cdf - start_q, r_cdf - start_r
    # Σ_ij C(Q_i, P_j) = ∫ #{i: Q_i > t}·#{j: C's count for P} dt: per
    # segment in cell (i, j), (9 - i)·(9 - j) for c >= 0 and (9 - i)·(j + 1)
    # for c < 0, i.e. 10·Σ(9 - i) minus the former
    after = torch.arange(
        _BINS, 0, -1, dtype=p.dtype, device=p.device)[:, None]  # 9 - bin
    weighted_q, weighted_r = seg_q * after, seg_r * q_after
    sum_after = weighted_q.sum(1) + weighted_r.sum(1)
    bound_pos = ((weighted_q * (_BINS - r_idx)).sum(1) +
                 (weighted_r * after).sum(1))
    bound_sum = bound_pos + neg[:, 0] * (10 * sum_after - 2 * bound_pos)
    seg = torch.cat([seg_q, seg_r], 1)  # (N, 18, L)
    cov = bound_sum - fus.cdf.sum(1) * src.cdf.sum(1)
    kappa = torch.where((c == 0) | (sd == 0), 0.0, c * sd / cov)
    k1 = 1 - kappa
    # cells with bound mass: −π log2|π| replaces the independent term
    q_all = q.expand(n, -1, -1)
    q_cell = torch.cat(
        [q_all, torch.cat([q_all, zero], 1).gather(1, q_idx)], 1)
    r_cell = torch.cat([torch.cat([r, zero], 1).gather(1, r_idx), r], 1)
    base = k1[:, None] * q_cell * r_cell
    joint = base + kappa[:, None] * seg
    correction = (base * _log2(base) - joint * _log2(joint)).sum(1)
    h_p, h_q = src.entropy, fus.entropy
    sum_p, sum_q = p.sum(1), q.sum(1)
    h_indep = -k1 * _log2(k1) * sum_p * sum_q + k1 * (
        sum_q * h_p + sum_p * h_q)
    mi = h_p + h_q - (h_indep + correction)
    return torch.where(mi == 0, 0.0, 2 * mi / (h_p + h_q))


def _features(x: Tensor, feature: str) -> Tensor:
    if feature == 'none':
        return x
    if feature == 'dct':
        return dct2(x)
    ca, ch, cv, cd = dwt2_dmey(x)
    mosaic = torch.cat([torch.cat([ca, ch], -1), torch.cat([cv, cd], -1)], -2)
    lo = mosaic.amin((-2, -1), keepdim=True)
    hi = mosaic.amax((-2, -1), keepdim=True)
    flat = hi == lo
    span = torch.where(flat, 1.0, hi - lo)
    return torch.where(flat, 1.0, (mosaic - lo) / span)


def _window_sum_vectorised(maps: Tensor) -> Tensor:
    """Σ over the 'valid' 3x3 windows of FMI_w(A, F) + FMI_w(B, F) for the
    (3, H, W) maps F, A, B, in vectorised blocks (any device)."""
    total = torch.zeros((), dtype=torch.float64, device=maps.device)
    for w in _window_blocks(maps):  # (3, 9, L): F, A, B
        stats = _window_stats(w)
        fus = _Windows(*(t[:1] for t in stats))
        src = _Windows(*(t[1:] for t in stats))
        # a flat window's distribution is uniform: c = 0, κ = 0 and the MI
        # is exactly 0 (the toolbox: ~1e-16 of rounding)
        pair = torch.where(src.flat | fus.flat, 0.0, _pair_fmi(src, fus))
        same = (w[1:] - w[:1]).abs().amax(1) == 0
        total += torch.where(same, 1.0, pair).sum(dtype=torch.float64)
    return total


def fmi(fused: Tensor,
        ir: Tensor,
        vis: Tensor,
        feature: str = 'none') -> Tensor:
    r"""FMI (Haghighat's fast-FMI, 3x3 windows) of F with both sources.

    .. math::
        FMI = \operatorname{mean}_w \tfrac12\big(FMI_w(A, F)
              + FMI_w(B, F)\big)

    over all 'valid' 3x3 windows w of the feature maps, with the window
    score of :func:`_pair_fmi`; a window identical in the source and F
    scores 1, one flat in either (but not identical) 0. Features
    (``fmi.m``'s names): ``'none'`` — the pixels (FMI_pixel), ``'dct'`` —
    MATLAB's ``dct2`` of the whole image (FMI_dct), ``'wavelet'`` — the
    one-level ``dwt2(.., 'dmey')`` mosaic ``[cA cH; cV cD]`` stretched to
    [0, 1] (FMI_w). Higher is better, 0..1. Feature maps and window
    statistics are float64, as in the toolbox: a window nearly equal to
    F's must not round to an identical one (score 1). On CPU the windows
    are scored by compiled code (:mod:`._fmi_compiled`, ~3x faster; its
    logarithms in float32), elsewhere in vectorised blocks; the two agree
    to ~1e-7, and both match ``fmi.m`` within 1e-7.

    Returns:
        float64 tensor (B,); NaN for images smaller than 3x3.
    """
    if feature not in FMI_FEATURES:
        raise ValueError(f'feature must be one of {FMI_FEATURES}, got '
                         f'{feature!r}')
    f, a, b = (t.to(torch.float64) for t in as_triple(fused, ir, vis))
    if min(f.shape[-2:]) < WINDOW:
        return nan_like_batch(f)
    feats = _features(torch.cat([f, a, b], 1), feature)
    count = (feats.shape[-2] - WINDOW + 1) * (feats.shape[-1] - WINDOW + 1)
    out = torch.zeros(f.shape[0], dtype=torch.float64, device=f.device)
    for n in range(f.shape[0]):
        if feats.device.type == 'cpu':
            # Numba loads on first use, not with the package
            from ._fmi_compiled import fmi_window_sum
            total = fmi_window_sum(*feats[n].numpy())
        else:
            total = _window_sum_vectorised(feats[n])
        out[n] = total / (2 * count)
    return out
