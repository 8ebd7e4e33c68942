"""Second-moment metrics: SD, CC and SCD.

A = IR grey, B = visible grey, F = fused grey. Two ways to the same numbers:

* :func:`joint_moments` — for 8-bit (integer 0..255) images, every mean,
  variance and covariance needed (also those of F−A and F−B, and the MSEs)
  follows exactly from the three 256x256 joint histograms (F,A), (F,B),
  (A,B) that EN/MI count anyway: no further pass over the pixels, and the
  moments are centred sums over 65536 bins in float64 (no cancellation).
* :func:`second_moment_metrics` — any float images: one float64 covariance
  matrix of the stacked images ``[F, A, B, F-A, F-B]`` (one batched matmul).

Pearson correlation with a constant operand (zero variance) is undefined;
here it is taken as **0** (no linear relation can be measured) instead of
NumPy's/MATLAB's NaN, so that e.g. SCD of a fused image equal to one source
stays finite.
"""
from typing import Dict, Tuple

import torch
from torch import Tensor

from ._utils import as_image_batch, as_triple

# Order of the stacked images in ``fusion_covariance``.
_F, _A, _B, _FA, _FB = range(5)


def covariance(*images: Tensor) -> Tuple[Tensor, Tensor]:
    r"""Means and population covariance matrix of several images.

    .. math::
        \mu_k = \frac{1}{N}\sum_p X_k(p),\qquad
        C_{kl} = \frac{1}{N}\sum_p (X_k(p)-\mu_k)(X_l(p)-\mu_l)

    Args:
        *images: K tensors (B, 1, H, W) of equal shape.

    Returns:
        ``(mean, cov)``: float64 tensors (B, K) and (B, K, K).
    """
    xs = [as_image_batch(x) for x in images]
    x = torch.cat(xs, dim=1).flatten(2).to(torch.float64)  # (B, K, N)
    mean = x.mean(-1)
    x = x - mean[..., None]
    cov = torch.bmm(x, x.transpose(1, 2)) / x.shape[-1]
    return mean, cov


def _corr(cov: Tensor, i: int, j: int) -> Tensor:
    """Pearson correlation from a covariance matrix; 0 if a variance is 0."""
    return _safe_corr(cov[:, i, j], cov[:, i, i], cov[:, j, j])


def fusion_covariance(fused: Tensor, ir: Tensor,
                      vis: Tensor) -> Tuple[Tensor, Tensor]:
    """Means and covariance of ``[F, A, B, F-A, F-B]`` (float64)."""
    f, a, b = as_triple(fused, ir, vis)
    return covariance(f, a, b, f - a, f - b)


def second_moment_metrics(fused: Tensor, ir: Tensor,
                          vis: Tensor) -> Dict[str, Tensor]:
    r"""SD, CC and SCD from one covariance pass.

    .. math::
        SD = \sigma_F,\quad
        CC = \tfrac12\,(r(A,F) + r(B,F)),\quad
        SCD = r(A, F-B) + r(B, F-A)

    Returns:
        dict with float64 (B,) tensors ``SD``, ``CC``, ``SCD``.
    """
    _, cov = fusion_covariance(fused, ir, vis)
    return {
        'SD': torch.sqrt(cov[:, _F, _F]),
        'CC': 0.5 * (_corr(cov, _A, _F) + _corr(cov, _B, _F)),
        'SCD': _corr(cov, _A, _FB) + _corr(cov, _B, _FA),
    }


def joint_moments(joint: Tensor) -> Dict[str, Tensor]:
    r"""Moments of F, A, B, F−A, F−B from the joint histograms.

    With counts :math:`c_{ij}` of the pair (X, Y), :math:`N = \sum c_{ij}`,
    :math:`d^X_i = i - \mu_X`:

    .. math::
        \operatorname{cov}(X,Y) = \frac1N\sum_{ij} c_{ij}\,d^X_i d^Y_j,\quad
        \operatorname{var}(X-Y) = \frac1N\sum_{ij} c_{ij}(d^X_i-d^Y_j)^2,\quad
        MSE(X,Y) = \frac1N\sum_{ij} c_{ij}(i-j)^2

    Args:
        joint: counts (B, 3, 256, 256) from
            :func:`~.entropy.fusion_joint_histograms` (pairs FA, FB, AB).

    Returns:
        dict of float64 (B,) tensors: ``var_f, var_a, var_b, cov_fa,
        cov_fb, cov_ab, var_fma, var_fmb`` (F−A, F−B), ``mse_fa, mse_fb``
        and ``max_f``.
    """
    c = joint.to(torch.float64)
    c_fa, c_fb, c_ab = c[:, 0], c[:, 1], c[:, 2]
    n = c_fa.sum((-2, -1))
    lv = torch.arange(c.shape[-1], dtype=torch.float64, device=c.device)
    p_f = c_fa.sum(-1)
    p_a = c_fa.sum(-2)
    p_b = c_fb.sum(-2)
    mu = [(p * lv).sum(-1) / n for p in (p_f, p_a, p_b)]
    d_f, d_a, d_b = [lv - m[:, None] for m in mu]

    def cov(cnt, dx, dy):
        return torch.einsum('bi,bij,bj->b', dx, cnt, dy) / n

    def var_diff(cnt, dx, dy):
        diff = dx[:, :, None] - dy[:, None, :]
        return (cnt * diff * diff).sum((-2, -1)) / n

    sq = (lv[:, None] - lv[None, :])**2
    max_f = torch.where(p_f > 0, lv, torch.full_like(lv, -1.0)).amax(-1)
    return {
        'var_f': (p_f * d_f * d_f).sum(-1) / n,
        'var_a': (p_a * d_a * d_a).sum(-1) / n,
        'var_b': (p_b * d_b * d_b).sum(-1) / n,
        'cov_fa': cov(c_fa, d_f, d_a),
        'cov_fb': cov(c_fb, d_f, d_b),
        'cov_ab': cov(c_ab, d_a, d_b),
        'var_fma': var_diff(c_fa, d_f, d_a),
        'var_fmb': var_diff(c_fb, d_f, d_b),
        'mse_fa': (c_fa * sq).sum((-2, -1)) / n,
        'mse_fb': (c_fb * sq).sum((-2, -1)) / n,
        'max_f': max_f,
    }


def _safe_corr(cov_xy: Tensor, var_x: Tensor, var_y: Tensor) -> Tensor:
    den = torch.sqrt(var_x * var_y)
    r = cov_xy / den
    return torch.where(den > 0, r, torch.zeros_like(r))


def moment_metrics(m: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """SD, CC and SCD from :func:`joint_moments` (definitions as in
    :func:`second_moment_metrics`)."""
    r_af = _safe_corr(m['cov_fa'], m['var_a'], m['var_f'])
    r_bf = _safe_corr(m['cov_fb'], m['var_b'], m['var_f'])
    # cov(A, F-B) = cov(A,F) - cov(A,B);  cov(B, F-A) = cov(B,F) - cov(A,B)
    r_a_fmb = _safe_corr(m['cov_fa'] - m['cov_ab'], m['var_a'], m['var_fmb'])
    r_b_fma = _safe_corr(m['cov_fb'] - m['cov_ab'], m['var_b'], m['var_fma'])
    return {
        'SD': torch.sqrt(m['var_f']),
        'CC': 0.5 * (r_af + r_bf),
        'SCD': r_a_fmb + r_b_fma,
    }


def standard_deviation(x: Tensor) -> Tensor:
    r"""SD: population standard deviation of an image (divide by H*W).

    .. math::
        SD = \sqrt{\frac{1}{HW}\sum_{i,j}(F_{i,j}-\bar F)^2}

    Returns:
        float64 tensor (B,).
    """
    _, cov = covariance(x)
    return torch.sqrt(cov[:, 0, 0])


def pearson(x: Tensor, y: Tensor) -> Tensor:
    r"""Pearson correlation over all pixels (0 if either is constant).

    .. math::
        r(X,Y) = \frac{\sum (X-\bar X)(Y-\bar Y)}
                      {\sqrt{\sum (X-\bar X)^2 \sum (Y-\bar Y)^2}}

    Returns:
        float64 tensor (B,).
    """
    _, cov = covariance(x, y)
    return _corr(cov, 0, 1)


def correlation_coefficient(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""CC: mean correlation of the fused image with both sources.

    .. math::
        CC = \frac{r(A,F) + r(B,F)}{2}

    Returns:
        float64 tensor (B,).
    """
    return second_moment_metrics(fused, ir, vis)['CC']


def scd(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""SCD: sum of the correlations of differences (Aslantas & Bendes).

    .. math::
        SCD = r(A, F-B) + r(B, F-A)

    Returns:
        float64 tensor (B,).
    """
    return second_moment_metrics(fused, ir, vis)['SCD']
