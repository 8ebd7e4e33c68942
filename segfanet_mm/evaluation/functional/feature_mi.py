"""Haghighat's feature mutual information (FMI): FMI_pixel, FMI_dct, FMI_w.

Fast-FMI (Haghighat, Aghagolzadeh & Seyedarabi, Comput. Electr. Eng. 37(5),
2011; Haghighat & Razian, AICT 2014), as Haghighat's ``fmi.m`` (copied
into Tang's ``analysis_fmi.m``) computes it: in every 3x3 window the
feature values of a source and of F, each stretched to [0, 1], are read as
two 9-bin distributions (in column-major order); their joint distribution
is Nelsen's mixture of the independent one and the Fréchet bound (upper
for a positive correlation, lower for a negative one) that reproduces
their Pearson correlation, and the window's score is the normalised mutual
information. Windows are scored in vectorised blocks; the Fréchet bound's mass
lies on at most 17 of the 81 cells (where the two CDFs' steps overlap),
found by merging the two CDFs, and the independent part's entropy has a
closed form.
"""

import torch
from torch import Tensor

from ._utils import as_triple, nan_like_batch
from .transforms import dct2, dwt2_dmey

FMI_FEATURES = ('none', 'dct', 'wavelet')
WINDOW = 3
_BINS = WINDOW * WINDOW
_BLOCK = 8192  # windows per step: the (L, 18) temporaries stay in cache


def _window_blocks(x: Tensor):
    """Yield the 3x3 windows of (C, H, W) maps in blocks of rows, as
    (C, L, 9) tensors in MATLAB's column-major window order."""
    view = x.unfold(-2, WINDOW, 1).unfold(-2, WINDOW, 1)  # (C, h, w, r, c)
    view = view.transpose(-1, -2)  # (.., c, r): column-major when flat
    rows = max(1, _BLOCK // view.shape[2])
    for r0 in range(0, view.shape[1], rows):
        yield view[:, r0:r0 + rows].reshape(x.shape[0], -1, _BINS)


def _window_pdf(win: Tensor) -> tuple:
    """Each window stretched to [0, 1] (a flat one becomes all ones) and
    divided by its sum; and whether it was flat, (L,)."""
    lo = win.amin(-1, keepdim=True)
    hi = win.amax(-1, keepdim=True)
    flat = hi == lo
    span = torch.where(flat, 1.0, hi - lo)
    v = torch.where(flat, 1.0, (win - lo) / span)
    return v / v.sum(-1, keepdim=True), flat[:, 0]


def _log2(p: Tensor) -> Tensor:
    """``log2|p|``, finite at p = 0 (so that ``p·log2|p|`` is 0 there, the
    toolbox's skipped term)."""
    return torch.log2(p.abs().clamp_min(torch.finfo(p.dtype).tiny))


def _pair_fmi(p: Tensor, q: Tensor, h_q: Tensor) -> Tensor:
    r"""Normalised MI of window distributions p (source) and q (F), (L, 9).

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
    overlaps one of P (of the reversed p for c < 0): 17 of the 81, one
    per segment of the merged CDFs, each ending at a Q_i or a P_j. Only
    those cells need a logarithm: elsewhere π = (1-κ) q_i p_j, whose
    entropy sums in closed form.

    Args:
        p, q: (L, 9) window distributions; ``h_q``: H(q) (shared by both
            sources).
    """
    idx = torch.arange(1, _BINS + 1, dtype=p.dtype, device=p.device)
    powers = torch.stack([idx, idx * idx], 1)  # first two moments by GEMM

    def index_sd(r):
        m = r @ powers
        return torch.sqrt(m[:, 1] - m[:, 0] * m[:, 0])

    pc, qc = p - p.mean(-1, keepdim=True), q - q.mean(-1, keepdim=True)
    num = (pc * qc).sum(-1)
    c = torch.where(num == 0, 0.0,
                    num / torch.sqrt((pc * pc).sum(-1) * (qc * qc).sum(-1)))
    sd = index_sd(p) * index_sd(q)
    neg = (c < 0)[:, None]
    r = torch.where(neg, p.flip(-1), p)
    q_cdf, r_cdf = q.cumsum(-1), r.cumsum(-1)
    # segments ending at Q_i: Q-bin i, R-bin #{R_j < Q_i}; ending at R_j:
    # R-bin j, Q-bin #{Q_i <= R_j} (ties: Q first, the second is empty)
    r_idx = torch.searchsorted(r_cdf, q_cdf)  # #{j: R_j < Q_i}
    # #{i: Q_i <= R_j} = #{i: r_idx_i <= j}, a cumulative histogram
    hist = torch.zeros(r_idx.shape[0], _BINS + 1, dtype=p.dtype,
                       device=p.device)
    hist.scatter_add_(-1, r_idx, torch.ones_like(q_cdf))
    q_bin = hist[:, :_BINS].cumsum(-1)
    q_idx = q_bin.long()
    r_bin = r_idx.to(p.dtype)
    zero = torch.zeros_like(q[:, :1])
    q_pad = torch.cat([zero, q_cdf], -1)  # Q_{-1} = 0
    r_pad = torch.cat([zero, r_cdf], -1)
    start_q = torch.maximum(q_pad[:, :-1], r_pad.gather(-1, r_idx))
    start_r = torch.maximum(r_pad[:, :-1], q_pad.gather(-1, q_idx))
    seg = torch.cat([q_cdf - start_q, r_cdf - start_r], -1)  # (L, 18)
    bins = torch.arange(_BINS, dtype=p.dtype, device=p.device)
    i = torch.cat([bins.expand_as(r_bin), q_bin], -1)
    j = torch.cat([r_bin, bins.expand_as(r_bin)], -1)
    # Σ_ij C(Q_i, P_j) = ∫ #{i: Q_i > t}·#{j: C's count for P} dt
    count_j = torch.where(neg, j + 1, _BINS - j)  # neg: (L, 1)
    bound_sum = (seg * (_BINS - i) * count_j).sum(-1)
    cov = bound_sum - q_cdf.sum(-1) * p.cumsum(-1).sum(-1)
    kappa = torch.where((c == 0) | (sd == 0), 0.0, c * sd / cov)
    k1 = 1 - kappa
    h_p = -(r * _log2(r)).sum(-1)
    # cells with bound mass: −π log2|π| replaces the independent term
    pad = torch.zeros_like(zero)
    i, j = i.long(), j.long()
    q_i = torch.cat([q, pad], -1).gather(-1, i)
    r_j = torch.cat([r, pad], -1).gather(-1, j)
    base = k1[:, None] * q_i * r_j
    joint = base + kappa[:, None] * seg
    correction = (base * _log2(base) - joint * _log2(joint)).sum(-1)
    sum_p, sum_q = p.sum(-1), q.sum(-1)
    h_indep = -k1 * _log2(k1) * sum_p * sum_q + k1 * (sum_q * h_p +
                                                       sum_p * h_q)
    mi = h_p + h_q - (h_indep + correction)
    return torch.where(mi == 0, 0.0, 2 * mi / (h_p + h_q))


def _features(x: Tensor, feature: str) -> Tensor:
    if feature == 'none':
        return x
    if feature == 'dct':
        return dct2(x)
    ca, ch, cv, cd = dwt2_dmey(x)
    mosaic = torch.cat([torch.cat([ca, ch], -1), torch.cat([cv, cd], -1)],
                       -2)
    lo = mosaic.amin((-2, -1), keepdim=True)
    hi = mosaic.amax((-2, -1), keepdim=True)
    flat = hi == lo
    span = torch.where(flat, 1.0, hi - lo)
    return torch.where(flat, 1.0, (mosaic - lo) / span)


def fmi(fused: Tensor, ir: Tensor, vis: Tensor,
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
    [0, 1] (FMI_w). Higher is better, 0..1. The window statistics run in
    float32, in blocks of rows (the toolbox: float64, which moves FMI by
    under 1e-6 relative on the reference crops).

    Returns:
        float64 tensor (B,); NaN for images smaller than 3x3.
    """
    if feature not in FMI_FEATURES:
        raise ValueError(f'feature must be one of {FMI_FEATURES}, got '
                         f'{feature!r}')
    f, a, b = (t.to(torch.float64) for t in as_triple(fused, ir, vis))
    if min(f.shape[-2:]) < WINDOW:
        return nan_like_batch(f)
    feats = _features(torch.cat([f, a, b], 1), feature).to(torch.float32)
    out = torch.zeros(f.shape[0], dtype=torch.float64, device=f.device)
    for n in range(f.shape[0]):
        total = torch.zeros((), dtype=torch.float64, device=f.device)
        for w in _window_blocks(feats[n]):  # (3, L, 9): F, A, B
            q, flat_q = _window_pdf(w[0])
            h_q = -(q * _log2(q)).sum(-1)
            # both sources' windows against F's in one batch
            p, flat_p = _window_pdf(w[1:].flatten(0, 1))
            q, flat_q, h_q = (torch.cat([t, t]) for t in (q, flat_q, h_q))
            # a flat window's distribution is uniform: c = 0, κ = 0 and the
            # MI is exactly 0 (the toolbox: ~1e-16 of rounding)
            pair = torch.where(flat_p | flat_q, 0.0, _pair_fmi(p, q, h_q))
            same = (w[1:] == w[:1]).all(-1).flatten()
            total += torch.where(same, 1.0, pair).sum(dtype=torch.float64)
        count = (feats.shape[-2] - WINDOW + 1) * (feats.shape[-1] - WINDOW + 1)
        out[n] = total / (2 * count)
    return out
