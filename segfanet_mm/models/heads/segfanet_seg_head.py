"""Segmentation branch of SegFANet that also exposes its semantic feature S.

Project's reconstruction (the paper's method section is not public; see
``docs/model.md``): a light multi-scale head in the spirit of SegFormer's
all-MLP decoder.
"""
from typing import List, Tuple

import torch
from mmcv.cnn import ConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class SegFANetSegHead(BaseDecodeHead):
    """Multi-scale decode head returning logits and the semantic feature S.

    Each selected input ``F_i`` (``in_index``, ``input_transform`` defaults
    to ``'multiple_select'``) goes through a 1x1 ConvModule to ``channels``,
    is resized to the first selected input's resolution, and the
    concatenation is fused by a 1x1 then a 3x3 ConvModule into
    ``S`` (B, channels, h_0, w_0), the "target-level semantic feature" used
    by the fusion head and the alignment loss. Logits are ``conv_seg(S)``.

    Any other mmseg decode head also works as SegFANet's ``decode_head``;
    :class:`~segfanet_mm.models.segmentors.SegFANet` then uses the softmaxed
    logits as S, because such a head has no ``forward_with_feature``.

    Args:
        **kwargs: :class:`mmseg.models.decode_heads.decode_head.BaseDecodeHead`
            arguments (``in_channels`` and ``in_index`` are sequences).
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault('input_transform', 'multiple_select')
        super().__init__(**kwargs)
        if self.input_transform != 'multiple_select':
            raise ValueError('SegFANetSegHead needs input_transform='
                             f"'multiple_select', got {self.input_transform}")
        conv_kw = dict(norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        self.laterals = torch.nn.ModuleList(
            ConvModule(c, self.channels, 1, **conv_kw)
            for c in self.in_channels)
        self.fuse = torch.nn.Sequential(
            ConvModule(self.channels * len(self.in_channels), self.channels, 1,
                       **conv_kw),
            ConvModule(self.channels, self.channels, 3, padding=1, **conv_kw))

    def forward_with_feature(self,
                             inputs: List[Tensor]) -> Tuple[Tensor, Tensor]:
        """Return ``(logits, S)``, both at the first selected input's size."""
        feats = self._transform_inputs(inputs)
        size = feats[0].shape[2:]
        laterals = [lateral(x) for lateral, x in zip(self.laterals, feats)]
        laterals = [
            x if x.shape[2:] == size else resize(
                x,
                size=size,
                mode='bilinear',
                align_corners=self.align_corners) for x in laterals
        ]
        sem = self.fuse(torch.cat(laterals, dim=1))
        return self.cls_seg(sem), sem

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Return segmentation logits (mmseg's decode-head contract)."""
        return self.forward_with_feature(inputs)[0]
