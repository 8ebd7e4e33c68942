"""Differentiable mutual information from Parzen-window histograms."""
import torch
from kornia.enhance import histogram2d
from torch import Tensor


def soft_mutual_information(x: Tensor,
                            y: Tensor,
                            bins: int = 32,
                            num_samples: int = 4096) -> Tensor:
    """Mutual information (nats) between two images in [0, 1], per image::

        MI(x, y) = sum_ij p_ij * log(p_ij / (p_i * p_j))

    ``p_ij`` is kornia's Gaussian-kernel joint histogram with ``bins`` centres
    on [0, 1] (bandwidth one bin), so the estimate is differentiable;
    ``p_i``, ``p_j`` are its marginals. ``num_samples`` pixel positions, the
    same in ``x`` and ``y``, are drawn at random per call (all pixels when
    the image has fewer): the histogram's memory is ``B * num_samples *
    bins`` whatever the image size.

    Args:
        x: (B, 1, H, W) image.
        y: (B, 1, H, W) image.
        bins: number of histogram bins.
        num_samples: pixels sampled per image.

    Returns:
        (B,) mutual information in nats.
    """
    x, y = x.flatten(1), y.flatten(1)
    if x.shape[1] > num_samples:
        index = torch.randperm(x.shape[1], device=x.device)[:num_samples]
        x, y = x[:, index], y[:, index]
    centres = torch.linspace(0, 1, bins, device=x.device, dtype=x.dtype)
    bandwidth = torch.tensor(1 / (bins - 1), device=x.device, dtype=x.dtype)
    joint = histogram2d(x, y, centres, bandwidth)
    marginals = joint.sum(2, keepdim=True) * joint.sum(1, keepdim=True)
    # eps keeps log and its gradient finite in empty bins (0 * log 0 = 0).
    eps = 1e-10
    return (joint * ((joint + eps).log() - (marginals + eps).log())).sum(
        (1, 2))
