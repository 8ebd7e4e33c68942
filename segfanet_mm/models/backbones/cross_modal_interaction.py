"""Cross-modal feature interaction between the infrared and visible streams.

Part of this project's reconstruction of SegFANet (Qiu, Zhao & Wang, CJIF
2025): the paper's abstract names a dual-stream encoder with feature
interaction but its method section is not public, so the block below is our
design (see ``docs/model.md``).
"""
from typing import Tuple

import torch
import torch.nn as nn
from torch import Tensor


class CrossModalInteraction(nn.Module):
    """Channel then spatial attention computed from both streams, followed by
    a residual exchange of the attended features.

    With ``a = sigmoid(MLP([GAP(x_ir), GAP(x_vis)]))`` split into per-stream
    channel weights ``a_ir, a_vis``, the channel-attended features
    ``c_m = a_m * x_m`` give spatial weights
    ``(s_ir, s_vis) = sigmoid(conv_k([mean(c_ir), max(c_ir), mean(c_vis),
    max(c_vis)]))`` and each stream receives the other's attended features::

        x_ir'  = x_ir  + s_vis * c_vis
        x_vis' = x_vis + s_ir  * c_ir

    The residual form keeps each stream's own features intact, so the block
    starts close to identity-plus-exchange and cannot erase a modality.

    Args:
        channels: channels of each stream (both streams have the same width).
        reduction: channel-MLP reduction ratio (hidden width is
            ``max(2 * channels // reduction, 8)``).
        spatial_kernel: kernel size of the spatial-attention convolution.
    """

    def __init__(self,
                 channels: int,
                 reduction: int = 4,
                 spatial_kernel: int = 7) -> None:
        super().__init__()
        hidden = max(2 * channels // reduction, 8)
        self.channel_mlp = nn.Sequential(
            nn.Conv2d(2 * channels, hidden, 1), nn.ReLU(inplace=True),
            nn.Conv2d(hidden, 2 * channels, 1))
        self.spatial_conv = nn.Conv2d(
            4, 2, spatial_kernel, padding=spatial_kernel // 2)

    def forward(self, x_ir: Tensor, x_vis: Tensor) -> Tuple[Tensor, Tensor]:
        """Return the exchanged ``(x_ir', x_vis')``, same shapes as inputs."""
        pooled = torch.cat([
            x_ir.mean((2, 3), keepdim=True),
            x_vis.mean((2, 3), keepdim=True)
        ],
                           dim=1)
        a_ir, a_vis = self.channel_mlp(pooled).sigmoid().chunk(2, dim=1)
        c_ir, c_vis = x_ir * a_ir, x_vis * a_vis
        maps = torch.cat([
            c_ir.mean(1, keepdim=True),
            c_ir.amax(1, keepdim=True),
            c_vis.mean(1, keepdim=True),
            c_vis.amax(1, keepdim=True)
        ],
                         dim=1)
        s_ir, s_vis = self.spatial_conv(maps).sigmoid().chunk(2, dim=1)
        return x_ir + s_vis * c_vis, x_vis + s_ir * c_ir
