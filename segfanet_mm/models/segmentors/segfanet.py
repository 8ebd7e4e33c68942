"""SegFANet segmentor: infrared-visible fusion learnt with segmentation.

The architecture is this project's reconstruction of the abstract of Qiu,
Zhao & Wang, "Self-supervised Segmentation Feature Alignment for Infrared and
Visible Image Fusion" (CJIF 2025); the paper's method section and code are
not public (see ``docs/model.md``).
"""
import copy
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from mmseg.utils import (ConfigType, OptConfigType, OptMultiConfig,
                         OptSampleList, SampleList, add_prefix)
from torch import Tensor

from ...utils.colour import luminance, replace_luminance


class _Outputs(NamedTuple):
    """Everything one forward pass of SegFANet produces."""
    feats: Sequence[Tensor]  # encoder features of the padded input
    seg_logits: Optional[Tensor]  # (B, C, H, W), cropped to the input
    sem: Optional[Tensor]  # semantic feature S of the padded input
    fused: Tensor  # (B, 1, H, W) fused luminance, cropped to the input
    align_feat: Tensor  # fusion decoder feature for the alignment loss


def _with_defaults(cfg: ConfigType, **defaults) -> dict:
    """Copy of ``cfg`` where keys missing or None take ``defaults``."""
    cfg = copy.deepcopy(dict(cfg))
    for key, value in defaults.items():
        if cfg.get(key) is None:
            cfg[key] = value
    return cfg


def _tile_starts(size: int, crop: int, stride: int) -> List[int]:
    """Start offsets of overlapping tiles covering ``size`` (the last tile
    is shifted back to end at the border)."""
    count = max(size - crop + stride - 1, 0) // stride + 1
    return [min(i * stride, max(size - crop, 0)) for i in range(count)]


def _ramp(length: int, overlap: int, device: torch.device) -> Tensor:
    """1-D blending weights rising linearly over ``overlap`` pixels at both
    ends (strictly positive, 1 in the middle)."""
    pos = torch.arange(length, device=device, dtype=torch.float32)
    dist = torch.minimum(pos + 1, length - pos)
    return (dist / max(overlap, 1)).clamp(max=1.0)


@MODELS.register_module()
class SegFANet(EncoderDecoder):
    """Infrared-visible fusion guided by semantic segmentation.

    ``backbone`` (e.g. :class:`DualStreamEncoder`) encodes the 4-channel
    input (visible RGB + IR, in [0, 1]) into fused features ``F_1..F_n``;
    ``decode_head`` predicts segmentation logits and the semantic feature S
    (a head with ``forward_with_feature``, e.g. :class:`SegFANetSegHead`, or
    any mmseg decode head, then ``S = softmax(logits)``, or ``sigmoid`` for
    one output channel); ``fusion_head`` (:class:`FusionHead`) decodes the
    fused luminance ``Y_f`` with S injected. Training minimises::

        L = L_fus + seg_loss_weight * L_seg + L_align

    (``L_align`` carries its own ``loss_weight``). ``L_seg`` uses only the
    samples of the batch that carry ``gt_sem_seg``; a batch without labels
    has no segmentation key at all. With ``seg_loss_weight=0`` the
    segmentation loss is not computed, with ``align_loss=None`` or
    ``loss_weight=0`` the alignment branch is not even built, and when
    neither is active and the fusion head injects no semantics the decode
    head is skipped in training.

    Inputs are padded (replicate) to a multiple of the backbone's
    ``size_divisor`` and every output is cropped back, so any image size
    works. ``test_cfg=dict(mode='whole')`` runs the whole image;
    ``mode='slide'`` (``crop_size``, ``stride``) runs overlapping tiles and
    blends logits and fused image with weights that ramp linearly over the
    overlap, which avoids visible seams and bounds memory for large scenes.

    ``predict`` adds to each :class:`SegDataSample`, besides ``seg_logits``
    and ``pred_sem_seg``: ``pred_fused`` (1, H, W) and ``pred_fused_rgb``
    (3, H, W), floats in [0, 1] at ``ori_shape`` (``Y_f`` with the visible
    image's BT.601 Cb/Cr), restored exactly as mmseg restores logits
    (padding cropped, flip undone, bilinear resize).

    ``sem_channels`` of the fusion head and ``fus_channels`` /
    ``seg_channels`` of the alignment loss are filled in from the built
    heads when the config omits them.

    Args:
        backbone: backbone config.
        decode_head: segmentation head config.
        fusion_head: fusion head config.
        fusion_loss: fusion loss config.
        align_loss: alignment loss config; None disables alignment.
        seg_loss_weight: lambda_seg; 0 disables the segmentation loss.
        neck: optional neck config.
        auxiliary_head: optional auxiliary head config(s), trained on the
            labelled samples like ``decode_head``.
        train_cfg: training config.
        test_cfg: ``dict(mode='whole')`` (also the default when None) or
            ``dict(mode='slide', crop_size=(h, w), stride=(h, w))``.
        data_preprocessor: e.g. ``IVFDataPreProcessor`` with mean 0, std 255.
        pretrained: pretrained backbone weights.
        init_cfg: mmengine initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 decode_head: ConfigType,
                 fusion_head: ConfigType,
                 fusion_loss: ConfigType = dict(type='FusionLoss'),
                 align_loss: OptConfigType = None,
                 seg_loss_weight: float = 1.0,
                 neck: OptConfigType = None,
                 auxiliary_head: OptConfigType = None,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 pretrained: Optional[str] = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            backbone=backbone,
            decode_head=decode_head,
            neck=neck,
            auxiliary_head=auxiliary_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            pretrained=pretrained,
            init_cfg=init_cfg)
        if hasattr(self.decode_head, 'forward_with_feature'):
            sem_channels = self.decode_head.channels
        else:
            sem_channels = self.decode_head.out_channels
        self.fusion_head = MODELS.build(
            _with_defaults(fusion_head, sem_channels=sem_channels))
        self.fusion_loss = MODELS.build(fusion_loss)
        self.seg_loss_weight = seg_loss_weight
        self.align_loss = None
        if align_loss is not None and align_loss.get('loss_weight', 1.0):
            self.align_loss = MODELS.build(
                _with_defaults(
                    align_loss,
                    fus_channels=self.fusion_head.align_channels,
                    seg_channels=sem_channels))

    @property
    def with_align_loss(self) -> bool:
        """Whether the self-supervised alignment loss is active."""
        return self.align_loss is not None

    @property
    def size_divisor(self) -> int:
        """Inputs are padded internally to a multiple of this."""
        return getattr(self.backbone, 'size_divisor', 1)

    def _decode_with_feature(self,
                             feats: Sequence[Tensor]) -> Tuple[Tensor, Tensor]:
        """Segmentation logits and semantic feature S from the decode head
        (``forward_with_feature`` or, for other heads, normalised logits)."""
        if hasattr(self.decode_head, 'forward_with_feature'):
            return self.decode_head.forward_with_feature(feats)
        logits = self.decode_head(feats)
        sem = logits.softmax(1) if logits.shape[1] > 1 else logits.sigmoid()
        return logits, sem

    def _run(self, inputs: Tensor, with_sem: bool) -> _Outputs:
        """Backbone, decode head (if ``with_sem``) and fusion head on the
        padded inputs; logits and fused image cropped back to the input."""
        h, w = inputs.shape[2:]
        divisor = self.size_divisor
        pad_h, pad_w = -h % divisor, -w % divisor
        padded = F.pad(inputs, (0, pad_w, 0, pad_h), mode='replicate') \
            if pad_h or pad_w else inputs
        feats = self.extract_feat(padded)
        seg_logits = sem = None
        if with_sem:
            seg_logits, sem = self._decode_with_feature(feats)
            seg_logits = resize(
                seg_logits,
                size=padded.shape[2:],
                mode='bilinear',
                align_corners=self.align_corners)[..., :h, :w]
        sources = torch.cat([padded[:, 3:4], luminance(padded[:, :3])], 1)
        fused, align_feat = self.fusion_head(feats, sources, sem)
        return _Outputs(feats, seg_logits, sem, fused[..., :h, :w], align_feat)

    def loss(self, inputs: Tensor, data_samples: SampleList) -> dict:
        """Fusion, segmentation (labelled samples only) and alignment losses.

        Args:
            inputs: (B, 4, H, W) visible RGB + IR in [0, 1].
            data_samples: SegDataSamples; those with ``gt_sem_seg`` are
                labelled.

        Returns:
            dict of named loss terms (``loss_fus_*``, ``decode.*``,
            ``aux*.*``, ``loss_align``).
        """
        labelled = [i for i, s in enumerate(data_samples) if 'gt_sem_seg' in s]
        with_seg_loss = self.seg_loss_weight > 0 and bool(labelled)
        out = self._run(
            inputs,
            with_sem=with_seg_loss or self.with_align_loss
            or self.fusion_head.semantic_injection)
        losses = self.fusion_loss(out.fused, inputs[:, 3:4],
                                  luminance(inputs[:, :3]))
        if with_seg_loss:
            losses.update(self._seg_losses(out, labelled, data_samples))
        if self.with_align_loss:
            losses[self.align_loss.loss_name] = self.align_loss(
                out.align_feat, out.sem)
        return losses

    def _seg_losses(self, out: _Outputs, labelled: List[int],
                    data_samples: SampleList) -> Dict[str, Tensor]:
        """Decode (and auxiliary) head losses on the labelled samples, with
        every ``loss*`` term scaled by ``seg_loss_weight``."""
        samples = [data_samples[i] for i in labelled]
        index = torch.tensor(labelled, device=out.fused.device)
        losses = add_prefix(
            self.decode_head.loss_by_feat(out.seg_logits[index], samples),
            'decode')
        if self.with_auxiliary_head:
            # Auxiliary heads see the features of the internally padded input
            # and resize their logits to the label size, as in mmseg; the
            # padding is < size_divisor pixels and absent for crop sizes that
            # are multiples of it.
            feats = [f[index] for f in out.feats]
            losses.update(self._auxiliary_head_forward_train(feats, samples))
        return {
            k: v * self.seg_loss_weight if 'loss' in k else v
            for k, v in losses.items()
        }

    def inference_fused(self, inputs: Tensor) -> Tuple[Tensor, Tensor]:
        """Segmentation logits (B, C, H, W) and fused luminance (B, 1, H, W)
        at the input size, in ``test_cfg.mode`` ('whole' or 'slide')."""
        mode = (self.test_cfg or {}).get('mode', 'whole')
        if mode == 'whole':
            out = self._run(inputs, with_sem=True)
            return out.seg_logits, out.fused
        if mode == 'slide':
            return self._slide_inference_fused(inputs)
        raise ValueError(f"test_cfg.mode must be 'whole' or 'slide', "
                         f'got {mode}')

    def _slide_inference_fused(self, inputs: Tensor) -> Tuple[Tensor, Tensor]:
        """Overlapping tiles blended with linearly ramped weights."""
        h_stride, w_stride = self.test_cfg['stride']
        h_crop, w_crop = self.test_cfg['crop_size']
        batch, _, height, width = inputs.shape
        logits = inputs.new_zeros((batch, self.out_channels, height, width))
        fused = inputs.new_zeros((batch, 1, height, width))
        weights = inputs.new_zeros((1, 1, height, width))
        for y1 in _tile_starts(height, h_crop, h_stride):
            for x1 in _tile_starts(width, w_crop, w_stride):
                y2, x2 = min(y1 + h_crop, height), min(x1 + w_crop, width)
                out = self._run(inputs[:, :, y1:y2, x1:x2], with_sem=True)
                weight = (
                    _ramp(y2 - y1, h_crop - h_stride, inputs.device)[:, None] *
                    _ramp(x2 - x1, w_crop - w_stride, inputs.device)[None])
                logits[..., y1:y2, x1:x2] += out.seg_logits * weight
                fused[..., y1:y2, x1:x2] += out.fused * weight
                weights[..., y1:y2, x1:x2] += weight
        return logits.div_(weights), fused.div_(weights)

    def predict(self,
                inputs: Tensor,
                data_samples: OptSampleList = None) -> SampleList:
        """Segmentation and fusion results, restored to ``ori_shape``.

        Returns:
            SegDataSamples with ``seg_logits``, ``pred_sem_seg``,
            ``pred_fused`` (1, H, W) and ``pred_fused_rgb`` (3, H, W).
        """
        seg_logits, fused = self.inference_fused(inputs)
        fused_rgb = replace_luminance(inputs[:, :3], fused)
        images = torch.cat([fused, fused_rgb], 1)
        restore = data_samples is not None
        data_samples = self.postprocess_result(seg_logits, data_samples)
        for i, sample in enumerate(data_samples):
            image = self._restore(images[i:i + 1], sample.metainfo) \
                if restore else images[i]
            image = image.clamp_(0, 1)  # in place: no second full-size copy
            sample.set_data({
                'pred_fused': PixelData(data=image[:1]),
                'pred_fused_rgb': PixelData(data=image[1:])
            })
        return data_samples

    def _restore(self, image: Tensor, img_meta: dict) -> Tensor:
        """Crop padding, undo flip and resize ``image`` (1, C, H, W) to
        ``ori_shape``, mirroring mmseg's ``postprocess_result``."""
        height, width = image.shape[2:]
        left, right, top, bottom = img_meta.get(
            'img_padding_size', img_meta.get('padding_size', [0] * 4))
        image = image[..., top:height - bottom, left:width - right]
        if img_meta.get('flip', None):
            direction = img_meta.get('flip_direction', None)
            assert direction in ('horizontal', 'vertical')
            image = image.flip(
                dims=(3, ) if direction == 'horizontal' else (2, ))
        if tuple(image.shape[2:]) == tuple(img_meta['ori_shape'][:2]):
            return image.squeeze(0)  # nothing to resize: no copy
        return resize(
            image,
            size=img_meta['ori_shape'],
            mode='bilinear',
            align_corners=self.align_corners,
            warning=False).squeeze(0)

    def _forward(self,
                 inputs: Tensor,
                 data_samples: OptSampleList = None) -> Tuple[Tensor, Tensor]:
        """Tensor mode: ``(seg_logits, fused)`` at the input size."""
        out = self._run(inputs, with_sem=True)
        return out.seg_logits, out.fused
