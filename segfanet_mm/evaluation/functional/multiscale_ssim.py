"""Multi-scale SSIM metrics: Ma's MEF-SSIM and Wang's MS-SSIM.

Both evaluate SSIM terms with an 11x11 Gaussian window (σ = 1.5, 'valid')
on a pyramid built by 2x2 averaging (the last row/column repeated on odd
sizes, MATLAB ``imfilter(.., ones(2)/4, 'symmetric')`` then every second
pixel) and combine the scales by a weighted geometric mean.

Local statistics are window sums of products in float64; the box sums of
MEF-SSIM's structure vectors are exact for 8-bit images (integer sums below
2^53), so flat windows have exactly zero variance.
"""
import math
from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor

from ._filters import filtered_products
from ._utils import as_triple, nan_like_batch
from .structural import _gaussian, local_stats, ssim_map

WINDOW = 11
MEF_WEIGHTS = (0.0448, 0.2856, 0.3001)
MS_SSIM_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
EPS = 2.0**-52  # MATLAB eps


def halve(x: Tensor) -> Tensor:
    """One pyramid step: mean of each 2x2 block, odd sizes padded by
    repeating the last row/column; (H, W) -> (ceil(H/2), ceil(W/2))."""
    h, w = x.shape[-2:]
    if h % 2 or w % 2:
        x = F.pad(x, (0, w % 2, 0, h % 2), mode='replicate')
    return F.avg_pool2d(x, 2)


def _pyramid(x: Tensor, levels: int) -> List[Tensor]:
    out = [x]
    for _ in range(levels - 1):
        out.append(halve(out[-1]))
    return out


def _combine(scores: List[Tensor], weights) -> Tensor:
    r"""Weighted geometric mean :math:`\prod_l Q_l^{w_l}`, weights
    normalised to sum 1 (NaN where a score is negative)."""
    total = sum(weights)
    out = torch.ones_like(scores[0])
    for q, w in zip(scores, weights):
        out = out * q.pow(w / total)
    return out


def _mef_ssim_scale(x: Tensor, f: Tensor, c: float) -> Tensor:
    """Single-scale MEF-SSIM of sources ``x`` (B, 2, H, W) and F
    (B, 1, H, W), float64; returns the mean of the quality map (B,). On CPU
    the arithmetic runs compiled (:mod:`._mef_ssim_compiled`), the same
    operations in the same order."""
    # box sums: S_k and the centred products B_kl = Σ(x_k−μ_k)(x_l−μ_l)
    box = filtered_products(x, ((0, 0), (1, 1), (0, 1)),
                            torch.ones(WINDOW, dtype=torch.float64))
    # Gaussian-window (co)variances of the sources and F
    m = filtered_products(
        torch.cat([x, f], 1), ((0, 0), (1, 1), (0, 1), (2, 2), (0, 2), (1, 2)),
        _gaussian(WINDOW, 1.5, str(x.device)))
    if x.device.type != 'cpu':
        return _mef_ssim_quality(box, m, c).mean((1, 2, 3))
    # Numba loads on first use, not with the package
    from ._mef_ssim_compiled import quality, structure_terms
    out = torch.empty_like(box[:, :1])
    for i in range(box.shape[0]):
        # centred products B_kl; then π/2·R and the two strengths e_k / 11
        centred, terms = torch.empty((2, 3, *box.shape[-2:]),
                                     dtype=torch.float64)
        structure_terms(box[i].numpy(), WINDOW, EPS, centred.numpy(),
                        terms[0].numpy(), terms[1:].numpy())
        p = torch.tan(terms[0]).clamp_max(10)
        w1, w2 = (terms[k].pow(p) + EPS for k in (1, 2))
        quality(centred.numpy(), w1.numpy(), w2.numpy(), m[i].numpy(), c,
                out[i, 0].numpy())
    return out.mean((1, 2, 3))


def _mef_ssim_quality(box: Tensor, m: Tensor, c: float) -> Tensor:
    """MEF-SSIM's quality map (B, 1, H, W) from the box sums ``box``
    (B, 5, H, W: S_1, S_2, S_11, S_22, S_12) and the Gaussian-window means
    ``m`` (B, 9, H, W: x_1, x_2, F, x_1², x_2², x_1x_2, F², x_1F, x_2F)."""
    n = WINDOW * WINDOW
    s1, s2, s11, s22, s12 = box.split(1, 1)
    b11 = (s11 - s1 * s1 / n).clamp_min(0)
    b22 = (s22 - s2 * s2 / n).clamp_min(0)
    b12 = s12 - s1 * s2 / n
    ed1 = b11.sqrt() + 0.001  # signal strengths ‖x_k − μ_k‖ (+0.001)
    ed2 = b22.sqrt() + 0.001
    # structure consistency R = ‖Σ_k (x_k − μ_k)‖ / Σ_k ‖x_k − μ_k‖
    num = (b11 + b22 + 2 * b12).clamp_min(0).sqrt()
    r = (num + EPS) / (b11.sqrt() + b22.sqrt() + EPS)
    r = torch.where(r > 1, 1 - EPS, r)
    p = torch.tan(math.pi / 2 * r).clamp_max(10)
    w1 = (ed1 / WINDOW).pow(p) + EPS
    w2 = (ed2 / WINDOW).pow(p) + EPS
    # desired structure r = Σ_k β_k (x_k − μ_k), β_k = w_k / ed_k (w
    # normalised), rescaled to length max(ed)
    beta1 = w1 / (w1 + w2) / ed1
    beta2 = w2 / (w1 + w2) / ed2
    norm2 = beta1 * beta1 * b11 + beta2 * beta2 * b22 + \
        2 * beta1 * beta2 * b12
    scale = torch.where(
        norm2 > 0,
        torch.maximum(ed1, ed2) / norm2.clamp_min(1e-300).sqrt(), 1.0)
    beta1, beta2 = beta1 * scale, beta2 * scale
    m1, m2, mf, q11, q22, q12, qff, q1f, q2f = m.split(1, 1)
    v11, v22, v12 = q11 - m1 * m1, q22 - m2 * m2, q12 - m1 * m2
    vff = qff - mf * mf
    v1f, v2f = q1f - m1 * mf, q2f - m2 * mf
    var_r = beta1 * beta1 * v11 + beta2 * beta2 * v22 + \
        2 * beta1 * beta2 * v12
    cov_rf = beta1 * v1f + beta2 * v2f
    return (2 * cov_rf + c) / (var_r + vff + c)


def mef_ssim(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""MEF-SSIM (Ma, Zeng & Wang, IEEE TIP 24(11), 2015) — what Tang's
    ``analysis_ms_ssim`` computes and his tables call "MS_SSIM".

    Per 11x11 window the two sources' patches are split into strength
    :math:`e_k = \lVert x_k - \mu_k\rVert + 0.001` and structure; the
    reference patch is the structure
    :math:`\hat r = \sum_k w_k (x_k - \mu_k)/e_k`, rescaled to length
    :math:`\max_k e_k`, with weights
    :math:`w_k \propto (e_k/11)^p + \epsilon`,
    :math:`p = \min(\tan(\tfrac{\pi}{2} R), 10)` from the structure
    consistency :math:`R = \lVert\sum_k (x_k - \mu_k)\rVert / \sum_k
    \lVert x_k - \mu_k\rVert`. Then, with Gaussian-window statistics,

    .. math::
        q = \frac{2\sigma_{\hat r F} + C}{\sigma_{\hat r}^2 + \sigma_F^2
            + C},\quad C = (0.03\cdot 255)^2,\qquad
        \text{MEF-SSIM} = \prod_{l=1}^{3} \bar q_l^{\,w_l}

    over three scales, w ∝ (0.0448, 0.2856, 0.3001). Higher is better;
    ≤ 1. No luminance term: F's brightness does not count.

    Returns:
        float64 tensor (B,); NaN for images with a side under 44 px (the
        coarsest scale must fit the window; the toolbox returns −Inf).
    """
    f, a, b = (t.to(torch.float64) for t in as_triple(fused, ir, vis))
    levels = len(MEF_WEIGHTS)
    if min(f.shape[-2:]) < WINDOW * 2**(levels - 1):
        return nan_like_batch(f)
    c = (0.03 * 255)**2
    xs = _pyramid(torch.cat([a, b], 1), levels)
    fs = _pyramid(f, levels)
    scores = [_mef_ssim_scale(x, y, c) for x, y in zip(xs, fs)]
    return _combine(scores, MEF_WEIGHTS)


def ms_ssim_per_source(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Wang's multi-scale SSIM (Wang, Simoncelli & Bovik, Asilomar 2003;
    Wang's ``msssim.m``) of F against each source.

    .. math::
        \text{MS-SSIM}(X, F) = \prod_{l=1}^{4} \overline{cs}_l^{\,w_l}
            \cdot \overline{ssim}_5^{\,w_5},\qquad
        cs = \frac{2\sigma_{XF} + C_2}{\sigma_X^2 + \sigma_F^2 + C_2}

    with Wang's SSIM maps (11x11 Gaussian σ = 1.5, 'valid', L = 255,
    K = (0.01, 0.03)), five scales and w = (0.0448, 0.2856, 0.3001, 0.2363,
    0.1333) as published (not renormalised).

    Returns:
        float64 tensor (B, 2): the IR and visible values; NaN for images
        with a side under 176 px (the toolbox's −Inf) or where a mean cs is
        negative (a negative base has no real power; scores clipped at 0,
        as some Python packages do, would hide it).
    """
    f, a, b = (t.to(torch.float64) for t in as_triple(fused, ir, vis))
    levels = len(MS_SSIM_WEIGHTS)
    if min(f.shape[-2:]) < WINDOW * 2**(levels - 1):
        return nan_like_batch(f)[:, None].expand(-1, 2).clone()
    c1, c2 = (0.01 * 255)**2, (0.03 * 255)**2
    x = torch.cat([a, b], 1)
    out = torch.ones(x.shape[:2], dtype=torch.float64, device=x.device)
    for level, w in enumerate(MS_SSIM_WEIGHTS):
        stats = local_stats(x, f, WINDOW)
        if level < levels - 1:
            _, _, var_x, var_f, cov = stats
            cs = (2 * cov + c2) / (var_x + var_f + c2)
            out = out * cs.mean((2, 3)).pow(w)
            x, f = halve(x), halve(f)
        else:
            out = out * ssim_map(stats, c1, c2).mean((2, 3)).pow(w)
    return out
