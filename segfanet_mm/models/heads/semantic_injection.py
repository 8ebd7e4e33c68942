"""Semantic injection: modulate fusion features with the semantic feature S.

Project's reconstruction of SegFANet's "segmentation guides fusion" step
(the paper's method section is not public; see ``docs/model.md``).
"""
import torch.nn as nn
from mmseg.models.utils import resize
from torch import Tensor


class SemanticInjection(nn.Module):
    """Spatial feature transform ``x * (1 + gamma(S)) + beta(S)``.

    ``gamma`` and ``beta`` come from a 3x3 conv + ReLU on S followed by a
    1x1 conv. They are computed at the coarser of S's and x's
    resolutions (S is resized down to x when x is coarser; when x is finer,
    gamma and beta are computed at S's resolution and bilinearly resized up),
    which is equivalent up to interpolation order to resizing S to every
    scale first but avoids running convs on an upsampled S at full
    resolution. The 1x1 conv starts at zero, so the block starts as the
    identity and learns how much semantics to inject.

    Args:
        channels: channels of the modulated feature x.
        sem_channels: channels of S.
        hidden_channels: width of the shared conv on S.
    """

    def __init__(self,
                 channels: int,
                 sem_channels: int,
                 hidden_channels: int = 16) -> None:
        super().__init__()
        self.embed = nn.Sequential(
            nn.Conv2d(sem_channels, hidden_channels, 3, padding=1),
            nn.ReLU(inplace=True))
        self.gamma_beta = nn.Conv2d(hidden_channels, 2 * channels, 1)
        nn.init.zeros_(self.gamma_beta.weight)
        nn.init.zeros_(self.gamma_beta.bias)

    def forward(self, x: Tensor, sem: Tensor) -> Tensor:
        """Modulate ``x`` (B, C, h, w) with ``sem`` (B, C_s, h', w')."""
        size = x.shape[2:]
        if sem.shape[2] * sem.shape[3] > size[0] * size[1]:
            sem = resize(sem, size=size, mode='bilinear', align_corners=False)
        gamma_beta = self.gamma_beta(self.embed(sem))
        if gamma_beta.shape[2:] != size:
            gamma_beta = resize(
                gamma_beta, size=size, mode='bilinear', align_corners=False)
        gamma, beta = gamma_beta.chunk(2, dim=1)
        return x * (1 + gamma) + beta
