"""Fusion branch of SegFANet: a U-Net decoder that outputs fused luminance.

Project's reconstruction (the paper's method section is not public; see
``docs/model.md``).
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptMultiConfig
from torch import Tensor

from .semantic_injection import SemanticInjection


@MODELS.register_module()
class FusionHead(BaseModule):
    """U-Net-style decoder from ``F_n`` to full resolution with semantic
    injection at every decoder scale.

    Starting from the coarsest feature, each decoder level ``i`` (scales of
    ``F_{n-1}`` down to ``F_1``) upsamples bilinearly to ``F_i``'s size,
    concatenates the skip ``F_i`` and applies a 3x3 ConvModule to
    ``channels[i]``; a last level at input resolution concatenates the
    source images (IR and visible Y, so pixel detail needs no wide
    full-resolution layers) and applies a thin 3x3 ConvModule. After every
    level a :class:`SemanticInjection` modulates the feature with S. The
    output is ``Y_f = sigmoid(conv3x3(x))`` in [0, 1], or, with
    ``residual_over_max``, a correction of the sources' pixel-wise maximum,
    ``Y_f = clamp(max(I_ir, Y_vis) + conv3x3(x), 0, 1)``, whose last
    convolution starts at zero: training starts from the max rule and learns
    only what improves on it.

    Args:
        in_channels: channels of the encoder features ``F_1 .. F_n``.
        channels: decoder widths at the scales of ``F_1 .. F_{n-1}``.
        full_res_channels: width of the full-resolution level.
        sem_channels: channels of S; SegFANet fills it in from its
            decode head when left as None.
        semantic_injection: inject S (False: a plain U-Net, needs no S).
        injection_channels: hidden width of each injection block.
        align_index: the decoder level whose feature is returned for the
            alignment loss (level ``i`` has ``F_{i+1}``'s scale; 1 is 1/4 for
            strides 2, 4, 8, 16). It is taken before injection, so the
            alignment shapes the decoder's own features rather than S's
            copy in them.
        source_channels: channels of the source images fed at full res.
        residual_over_max: predict a correction of the sources' pixel-wise
            maximum instead of the fused image itself.
        norm_cfg: normalisation layers.
        act_cfg: activation layers.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 channels: Sequence[int],
                 full_res_channels: int = 8,
                 sem_channels: Optional[int] = None,
                 semantic_injection: bool = True,
                 injection_channels: int = 16,
                 align_index: int = 1,
                 source_channels: int = 2,
                 residual_over_max: bool = False,
                 norm_cfg: ConfigType = dict(type='BN', requires_grad=True),
                 act_cfg: ConfigType = dict(type='ReLU'),
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg)
        if len(channels) != len(in_channels) - 1:
            raise ValueError('FusionHead needs one decoder width per skip '
                             f'level: len(channels)={len(channels)}, '
                             f'len(in_channels)={len(in_channels)}')
        if not 0 <= align_index < len(channels):
            raise ValueError(f'align_index must be in [0, {len(channels)}), '
                             f'got {align_index}')
        if semantic_injection and sem_channels is None:
            raise ValueError('semantic_injection needs sem_channels')
        self.semantic_injection = semantic_injection
        self.align_index = align_index
        self.channels = tuple(channels)
        conv_kw = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        below = (*channels[1:], in_channels[-1])
        self.skip_convs = nn.ModuleList(
            ConvModule(b + c, d, 3, padding=1, **conv_kw)
            for b, c, d in zip(below, in_channels[:-1], channels))
        self.full_res_conv = ConvModule(
            channels[0] + source_channels,
            full_res_channels,
            3,
            padding=1,
            **conv_kw)
        self.out_conv = nn.Conv2d(full_res_channels, 1, 3, padding=1)
        self.residual_over_max = residual_over_max
        if semantic_injection:
            self.injections = nn.ModuleList(
                SemanticInjection(d, sem_channels, injection_channels)
                for d in (*channels, full_res_channels))

    @property
    def align_channels(self) -> int:
        """Channels of the feature returned for the alignment loss."""
        return self.channels[self.align_index]

    def _inject(self, level: int, x: Tensor, sem: Optional[Tensor]) -> Tensor:
        return self.injections[level](x, sem) if self.semantic_injection \
            else x

    def forward(self,
                feats: Sequence[Tensor],
                sources: Tensor,
                sem: Optional[Tensor] = None) -> Tuple[Tensor, Tensor]:
        """Decode fused luminance.

        Args:
            feats: encoder features ``F_1 .. F_n``.
            sources: (B, source_channels, H, W) source images (IR, visible
                Y) at the output resolution.
            sem: semantic feature S (B, sem_channels, h, w), any resolution;
                required when ``semantic_injection`` is on.

        Returns:
            ``Y_f`` (B, 1, H, W) in [0, 1] and the decoder feature at level
            ``align_index`` (B, align_channels, h_a, w_a).
        """
        if self.semantic_injection and sem is None:
            raise ValueError('FusionHead with semantic_injection needs sem')
        x = feats[-1]
        align_feat = None
        for level in reversed(range(len(self.skip_convs))):
            skip = feats[level]
            x = resize(
                x, size=skip.shape[2:], mode='bilinear', align_corners=False)
            x = self.skip_convs[level](torch.cat([x, skip], dim=1))
            if level == self.align_index:
                align_feat = x
            x = self._inject(level, x, sem)
        x = resize(
            x, size=sources.shape[2:], mode='bilinear', align_corners=False)
        x = self.full_res_conv(torch.cat([x, sources], dim=1))
        x = self._inject(len(self.skip_convs), x, sem)
        if not self.residual_over_max:
            return self.out_conv(x).sigmoid(), align_feat
        base = sources.amax(dim=1, keepdim=True)
        return (base + self.out_conv(x)).clamp(0, 1), align_feat

    def init_weights(self) -> None:
        """mmengine's initialisation, then, in ``residual_over_max`` mode, a
        zero last convolution (the untrained head is the max rule)."""
        super().init_weights()
        if self.residual_over_max:
            nn.init.zeros_(self.out_conv.weight)
            nn.init.zeros_(self.out_conv.bias)
