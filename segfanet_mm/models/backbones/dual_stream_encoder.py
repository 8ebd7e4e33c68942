"""Dual-stream (infrared / visible) encoder of SegFANet.

This is the project's reconstruction of the encoder described in the abstract
of Qiu, Zhao & Wang, "Self-supervised Segmentation Feature Alignment for
Infrared and Visible Image Fusion" (CJIF 2025); the paper's method section is
not public, so widths, depths, strides and the interaction block are our
choices, all set from config (see ``docs/model.md``).
"""
import math
from functools import partial
from typing import Callable, List, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmseg.models.backbones.resnet import BasicBlock
from mmseg.models.utils import InvertedResidual
from mmseg.registry import MODELS
from mmseg.utils import ConfigType, OptMultiConfig
from torch import Tensor

from ...utils.colour import luminance
from .cross_modal_interaction import CrossModalInteraction


@MODELS.register_module()
class DualStreamEncoder(BaseModule):
    """Two CNN streams (IR, visible) with cross-modal interaction per stage.

    The input is the 4-channel tensor of ``IVFDataPreProcessor``
    (visible R, G, B, infrared). It is split here; the visible stream sees
    BT.601 luminance Y (``vis_mode='y'``) or RGB (``vis_mode='rgb'``). Each of
    the 4 stages downsamples both streams to ``strides[i]`` (stride-2 3x3
    convs), runs ``depths[i]`` residual blocks per stream, exchanges
    information with :class:`CrossModalInteraction`, and merges the two
    streams with a 1x1 conv into the stage's fused feature ``F_i``.

    Args:
        widths: channels of each stream (and of ``F_i``) per stage.
        depths: residual blocks per stream per stage (0 allowed).
        strides: output stride of each stage, powers of two, increasing.
        vis_mode: ``'y'`` (luminance, 1 channel) or ``'rgb'`` (3 channels).
        block: ``'basic'`` (ResNet basic block: two 3x3 convs) or
            ``'inverted_residual'`` (MobileNetV2's: 1x1 expansion by
            ``expand_ratio``, depthwise 3x3, 1x1 projection, ReLU6), which
            is ``expand_ratio`` times wider inside for fewer parameters.
        expand_ratio: expansion of the inverted residual blocks.
        reduction: channel-attention reduction of the interaction blocks.
        spatial_kernel: spatial-attention kernel of the interaction blocks.
        norm_cfg: normalisation layers (BN on CPU, SyncBN on GPUs).
        act_cfg: activation layers.
        init_cfg: mmengine initialisation config.

    Returns (forward):
        tuple of 4 fused features ``F_i`` of shape
        ``(B, widths[i], ceil(H / strides[i]), ceil(W / strides[i]))``.
    """

    def __init__(self,
                 widths: Sequence[int] = (16, 32, 48, 64),
                 depths: Sequence[int] = (0, 1, 1, 0),
                 strides: Sequence[int] = (2, 4, 8, 16),
                 vis_mode: str = 'y',
                 block: str = 'basic',
                 expand_ratio: int = 6,
                 reduction: int = 4,
                 spatial_kernel: int = 7,
                 norm_cfg: ConfigType = dict(type='BN', requires_grad=True),
                 act_cfg: ConfigType = dict(type='ReLU'),
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(init_cfg)
        if not len(widths) == len(depths) == len(strides):
            raise ValueError('widths, depths and strides must have the same '
                             f'length, got {widths}, {depths}, {strides}')
        if vis_mode not in ('y', 'rgb'):
            raise ValueError(f"vis_mode must be 'y' or 'rgb', got {vis_mode}")
        if block not in ('basic', 'inverted_residual'):
            raise ValueError("block must be 'basic' or 'inverted_residual', "
                             f'got {block}')
        factors = [s // p for s, p in zip(strides, (1, *strides[:-1]))]
        if any(f < 1 or 2**round(math.log2(f)) != f for f in factors):
            raise ValueError(f'strides must be increasing powers of two, got '
                             f'{strides}')
        self.vis_mode = vis_mode
        self.widths = tuple(widths)
        self.strides = tuple(strides)
        conv_kw = dict(norm_cfg=norm_cfg, act_cfg=act_cfg)
        if block == 'basic':
            make_block = partial(BasicBlock, norm_cfg=norm_cfg)
        else:
            make_block = partial(
                InvertedResidual,
                stride=1,
                expand_ratio=expand_ratio,
                norm_cfg=norm_cfg,
                act_cfg=dict(type='ReLU6'))
        self.ir_stream = self._make_stream(1, widths, depths, factors, conv_kw,
                                           make_block)
        self.vis_stream = self._make_stream(3 if vis_mode == 'rgb' else 1,
                                            widths, depths, factors, conv_kw,
                                            make_block)
        self.interactions = nn.ModuleList(
            CrossModalInteraction(w, reduction, spatial_kernel)
            for w in widths)
        self.merges = nn.ModuleList(
            ConvModule(2 * w, w, 1, **conv_kw) for w in widths)

    @property
    def size_divisor(self) -> int:
        """Input sizes divisible by this give exact feature strides."""
        return self.strides[-1]

    @staticmethod
    def _make_stream(
            in_channels: int, widths: Sequence[int], depths: Sequence[int],
            factors: Sequence[int], conv_kw: dict,
            make_block: Callable[[int, int], nn.Module]) -> nn.ModuleList:
        """One modality's stages: downsampling convs, then residual blocks
        ``make_block(width, width)``."""
        stages = nn.ModuleList()
        for width, depth, factor in zip(widths, depths, factors):
            layers: List[nn.Module] = []
            for i in range(max(int(math.log2(factor)), 1)):
                layers.append(
                    ConvModule(
                        in_channels if i == 0 else width,
                        width,
                        3,
                        stride=2 if factor > 1 else 1,
                        padding=1,
                        **conv_kw))
            layers += [make_block(width, width) for _ in range(depth)]
            stages.append(nn.Sequential(*layers))
            in_channels = width
        return stages

    def forward(self, inputs: Tensor) -> Tuple[Tensor, ...]:
        """Encode ``inputs`` (B, 4, H, W) into fused multi-scale features."""
        vis, ir = inputs[:, :3], inputs[:, 3:4]
        x_vis = luminance(vis) if self.vis_mode == 'y' else vis
        x_ir = ir
        outs = []
        for ir_stage, vis_stage, interact, merge in zip(
                self.ir_stream, self.vis_stream, self.interactions,
                self.merges):
            x_ir, x_vis = interact(ir_stage(x_ir), vis_stage(x_vis))
            outs.append(merge(torch.cat([x_ir, x_vis], dim=1)))
        return tuple(outs)
