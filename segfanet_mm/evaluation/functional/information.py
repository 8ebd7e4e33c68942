"""Information-theoretic fusion metrics beyond EN and MI: CE, NMI, Qncie.

All three count 256-bin grey-level histograms (see :mod:`.entropy`):

* **CE** (VIFB ``metricsCross_entropy``, after Bulanon et al. 2009) on the
  images as given;
* **NMI** (Hossny et al. 2008, as Liu's ``metricMI(.., 1)`` computes it) and
  **Qncie** (Wang et al. 2008, Liu's ``metricWang``) after each image is
  stretched to 0..255 (:func:`minmax_255`), as those toolboxes do.
"""
import math

import torch
from torch import Tensor

from ._utils import as_triple, minmax_255
from .entropy import LEVELS, entropy_from_counts, fusion_joint_histograms


def _relative_entropy(p_counts: Tensor, q_counts: Tensor) -> Tensor:
    """``Σ p log2(p/q)`` over the bins where both p and q are non-zero."""
    p = p_counts.to(torch.float64)
    q = q_counts.to(torch.float64)
    p = p / p.sum(-1, keepdim=True)
    q = q / q.sum(-1, keepdim=True)
    both = (p > 0) & (q > 0)
    ratio = torch.where(both, p / torch.where(both, q, 1.0), 1.0)
    return (p * torch.log2(ratio)).sum(-1)


def cross_entropy(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""CE (VIFB): mean relative entropy of the sources' histograms to F's.

    .. math::
        CE = \tfrac12\big(D(P_A\|P_F) + D(P_B\|P_F)\big),\qquad
        D(P\|Q) = \sum_{i:\,P_i>0,\,Q_i>0} P_i\log_2\frac{P_i}{Q_i}

    Called "cross entropy" in the fusion literature, it is a relative
    entropy that skips the bins where F has no pixels. Lower is better.

    Returns:
        float64 tensor (B,).
    """
    joint = fusion_joint_histograms(fused, ir, vis)
    h_f = joint[:, 0].sum(-1)
    h_a = joint[:, 0].sum(-2)
    h_b = joint[:, 1].sum(-2)
    return 0.5 * (_relative_entropy(h_a, h_f) + _relative_entropy(h_b, h_f))


def _stretched_joint(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    """Joint histograms (F,A), (F,B), (A,B) of the 0..255-stretched images;
    NaN-valued images (constant, see :func:`minmax_255`) give NaN counts."""
    f, a, b = (minmax_255(t) for t in as_triple(fused, ir, vis))
    bad = torch.stack([t.flatten(1).isnan().any(1) for t in (f, a, b)]).any(0)
    f, a, b = (torch.nan_to_num(t) for t in (f, a, b))
    joint = fusion_joint_histograms(f, a, b).to(torch.float64)
    joint[bad] = math.nan
    return joint


def _entropies(joint: Tensor):
    """Marginal (rows, columns) and joint entropies in bits, (B, 3) each."""
    h_row = entropy_from_counts(joint.sum(-1))
    h_col = entropy_from_counts(joint.sum(-2))
    h_joint = entropy_from_counts(joint.flatten(-2))
    return h_row, h_col, h_joint


def nmi(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""NMI (Hossny et al. 2008): normalised mutual information, 0..2.

    .. math::
        NMI = 2\Big(\frac{I(A;F)}{H(A)+H(F)} + \frac{I(B;F)}{H(B)+H(F)}\Big)

    on 256-bin histograms of the images stretched to 0..255 (Liu's
    ``metricMI(A, B, F, 1)``; Hossny's own ``metricHossny.m`` does not run).

    Returns:
        float64 tensor (B,); NaN for a constant non-zero image.
    """
    h_f, h_x, h_fx = _entropies(_stretched_joint(fused, ir, vis)[:, :2])
    mi = h_f + h_x - h_fx
    return 2.0 * (mi / (h_f + h_x)).sum(1)


def qncie(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    r"""Qncie (Wang et al. 2008): nonlinear correlation information entropy.

    .. math::
        NCC(X,Y) = \frac{H(X) + H(Y) - H(X,Y)}{\log_2 256},\quad
        R = \begin{pmatrix}1 & NCC_{AB} & NCC_{AF}\\ \cdot & 1 & NCC_{BF}
            \\ \cdot & \cdot & 1\end{pmatrix},\quad
        Q_{NCIE} = 1 + \sum_{i=1}^{3}\frac{\lambda_i}{3}\log_{256}
                   \frac{\lambda_i}{3}

    with λ the eigenvalues of R, on 256-bin histograms of the images
    stretched to 0..255 (Liu's ``metricWang``). Range 0..1.

    Returns:
        float64 tensor (B,).
    """
    joint = _stretched_joint(fused, ir, vis)
    h_row, h_col, h_joint = _entropies(joint)
    ncc = (h_row + h_col - h_joint) / math.log2(LEVELS)  # FA, FB, AB
    n_img = joint.shape[0]
    r = torch.eye(3, dtype=torch.float64).repeat(n_img, 1, 1)
    for (i, j), k in (((0, 1), 2), ((0, 2), 0), ((1, 2), 1)):
        r[:, i, j] = r[:, j, i] = ncc[:, k]
    lam = torch.linalg.eigvalsh(torch.nan_to_num(r)) / 3.0
    h_r = -torch.xlogy(lam, lam).sum(-1) / math.log(LEVELS)
    out = 1.0 - h_r
    return torch.where(ncc.isnan().any(1), math.nan, out)
