"""Histogram metrics: entropy (EN) and mutual information (MI).

Both work on the 256 integer grey levels of 8-bit images. Inputs are
(B, 1, H, W) tensors on the 0..255 scale; values are rounded to the nearest
integer and clipped to 0..255 before counting (a no-op for 8-bit images).
Histograms are counted with a single ``torch.bincount`` over a combined
index (batch, image pair, level, level), so a batch costs one pass;
probabilities and logarithms are taken in float64. The same joint histograms
give SD, CC, SCD, MSE and PSNR exactly for 8-bit images (see
``correlation.histogram_moment_metrics``).
"""
import math
from typing import Tuple, Union

import torch
from torch import Tensor

from ._utils import as_image_batch, as_triple

LEVELS = 256
Base = Union[str, float]


def log_base(base: Base) -> float:
    """Natural logarithm of a logarithm base given as 'e', '2', 2, 10, ...

    Args:
        base: ``'e'`` (nats), ``'2'``/2 (bits), ``'10'``/10 (hartleys) or
            any positive float.

    Returns:
        ``ln(base)``, the divisor that converts nats to that unit.
    """
    if isinstance(base, str):
        if base == 'e':
            return 1.0
        base = float(base)
    base = float(base)
    if not base > 0 or base == 1:
        raise ValueError(f'invalid logarithm base {base!r}')
    return math.log(base)


def grey_levels(x: Tensor) -> Tensor:
    """Integer grey levels of a (B, 1, H, W) image batch as (B, H*W) int32.

    uint8 input is used as is; float input is rounded and clipped to 0..255.
    """
    if x.dtype == torch.uint8:
        return x.flatten(1).to(torch.int32)
    return torch.round(x).clamp_(0, LEVELS - 1).to(torch.int32).flatten(1)


def histogram(x: Tensor) -> Tensor:
    r"""256-bin grey-level histogram per image.

    .. math::
        h_i = \#\{p : x_p = i\},\quad i = 0..255

    Args:
        x: Images (B, 1, H, W) on the 0..255 scale.

    Returns:
        int64 counts of shape (B, 256).
    """
    lv = grey_levels(as_image_batch(x, to_float=False))
    n_img = lv.shape[0]
    offset = torch.arange(
        n_img, device=lv.device, dtype=torch.int32)[:, None] * LEVELS
    counts = torch.bincount((lv + offset).flatten(), minlength=n_img * LEVELS)
    return counts.view(n_img, LEVELS)


def entropy_from_counts(counts: Tensor, base: Base = 2) -> Tensor:
    r"""Shannon entropy of histograms given as counts along the last dim.

    .. math::
        H = -\sum_{i: p_i > 0} p_i \log p_i, \qquad p_i = h_i / \sum_j h_j

    Returns:
        float64 tensor with the last dimension reduced.
    """
    c = counts.to(torch.float64)
    total = c.sum(-1, keepdim=True)
    # c*ln(c) with 0*ln(0) = 0; H = ln N - sum(c ln c)/N
    clogc = torch.xlogy(c, c).sum(-1)
    h = torch.log(total.squeeze(-1)) - clogc / total.squeeze(-1)
    return h / log_base(base)


def mutual_information_from_joint(joint: Tensor, base: Base = 'e') -> Tensor:
    r"""Mutual information of joint histograms (..., 256, 256).

    .. math::
        I(X;Y) = \sum_{x,y: p(x,y)>0} p(x,y)
                 \log\frac{p(x,y)}{p(x)\,p(y)}

    With counts n: ``I = sum n_xy (ln n_xy + ln N - ln n_x - ln n_y) / N``,
    which is what ``sklearn.metrics.mutual_info_score`` computes (in nats);
    the result is clipped at 0 as sklearn does.

    Returns:
        float64 tensor with the last two dimensions reduced.
    """
    c = joint.to(torch.float64)
    total = c.sum((-2, -1))
    row = c.sum(-1)  # p(x) counts
    col = c.sum(-2)  # p(y) counts
    # Where n_xy > 0 the marginals are > 0 too, so clamping them at 1 only
    # touches terms that are multiplied by n_xy = 0.
    log_row = torch.log(row.clamp_min(1.0))
    log_col = torch.log(col.clamp_min(1.0))
    s = torch.xlogy(c, c).sum((-2, -1))
    s = s - (row * log_row).sum(-1) - (col * log_col).sum(-1)
    mi = s / total + torch.log(total)
    return mi.clamp_min(0.0) / log_base(base)


def joint_histogram(x: Tensor, y: Tensor) -> Tensor:
    """Joint 256x256 histogram per image pair, shape (B, 256, 256), int64."""
    lx = grey_levels(as_image_batch(x, 'x', to_float=False))
    ly = grey_levels(as_image_batch(y, 'y', to_float=False))
    if lx.shape != ly.shape:
        raise ValueError(f'shape mismatch: {tuple(x.shape)} vs '
                         f'{tuple(y.shape)}')
    n_img = lx.shape[0]
    offset = torch.arange(
        n_img, device=lx.device, dtype=torch.int32)[:, None] * LEVELS**2
    idx = lx * LEVELS + ly + offset
    counts = torch.bincount(idx.flatten(), minlength=n_img * LEVELS**2)
    return counts.view(n_img, LEVELS, LEVELS)


def entropy(x: Tensor, base: Base = 2) -> Tensor:
    r"""EN: Shannon entropy of the 256-bin grey histogram (bits by default).

    .. math::
        EN = -\sum_{i=0}^{255} p_i \log_2 p_i

    Args:
        x: Images (B, 1, H, W) on the 0..255 scale.
        base: Logarithm base (2 = bits, the fusion-literature default).

    Returns:
        float64 tensor (B,).
    """
    return entropy_from_counts(histogram(x), base)


def mutual_information(x: Tensor, y: Tensor, base: Base = 'e') -> Tensor:
    r"""Mutual information of two images' grey levels (nats by default).

    .. math::
        MI(X,Y) = \sum_{x,y} p(x,y)\ln\frac{p(x,y)}{p(x)p(y)}

    Equal to ``sklearn.metrics.mutual_info_score(x.ravel(), y.ravel())``
    for integer images.

    Returns:
        float64 tensor (B,).
    """
    return mutual_information_from_joint(joint_histogram(x, y), base)


def fusion_joint_histograms(fused: Tensor, ir: Tensor, vis: Tensor) -> Tensor:
    """Joint histograms (F, A), (F, B) and (A, B) from one bincount.

    Args:
        fused, ir, vis: (B, 1, H, W) grey images on the 0..255 scale.

    Returns:
        int64 counts (B, 3, 256, 256): ``[:, 0]`` = (F, A), ``[:, 1]`` =
        (F, B), ``[:, 2]`` = (A, B); the first image of a pair indexes rows.
    """
    f, a, b = as_triple(fused, ir, vis, to_float=False)
    lf, la, lb = grey_levels(f), grey_levels(a), grey_levels(b)
    n_img, n_px = lf.shape
    block = LEVELS * LEVELS
    idx = torch.empty(n_img, 3, n_px, dtype=torch.int32, device=lf.device)
    fa, fb, ab = idx.unbind(1)
    torch.mul(lf, LEVELS, out=fa)
    torch.add(fa, lb, out=fb)
    fb.add_(block)
    fa.add_(la)
    torch.mul(la, LEVELS, out=ab)
    ab.add_(lb).add_(2 * block)
    if n_img > 1:
        idx += torch.arange(
            n_img, device=lf.device, dtype=torch.int32).view(-1, 1,
                                                             1) * (3 * block)
    counts = torch.bincount(idx.flatten(), minlength=n_img * 3 * block)
    return counts.view(n_img, 3, LEVELS, LEVELS)


def fusion_entropy_mi(fused: Tensor,
                      ir: Tensor,
                      vis: Tensor,
                      en_base: Base = 2,
                      mi_base: Base = 'e') -> Tuple[Tensor, Tensor, Tensor]:
    r"""EN of F and MI(F,A), MI(F,B) from joint histograms.

    .. math::
        EN = H(F), \qquad MI = MI(F,A) + MI(F,B)

    Returns:
        ``(en, mi_fa, mi_fb)``, each float64 (B,).
    """
    joint = fusion_joint_histograms(fused, ir, vis)
    return entropy_mi_from_joint(joint, en_base, mi_base)


def entropy_mi_from_joint(
        joint: Tensor,
        en_base: Base = 2,
        mi_base: Base = 'e') -> Tuple[Tensor, Tensor, Tensor]:
    """EN of F, MI(F,A) and MI(F,B) from :func:`fusion_joint_histograms`."""
    en = entropy_from_counts(joint[:, 0].sum(-1), en_base)
    mi = mutual_information_from_joint(joint[:, :2], mi_base)
    return en, mi[:, 0], mi[:, 1]
