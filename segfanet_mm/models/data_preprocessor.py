"""Batching, normalisation and padding of stacked visible + infrared inputs."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseDataPreprocessor
from mmengine.structures import PixelData
from mmseg.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class IVFDataPreProcessor(BaseDataPreprocessor):
    """Data preprocessor for 4-channel (visible RGB + infrared) inputs.

    ``x = (x - mean) / std`` per channel, then pads each sample to a common
    size (bottom/right, as mmseg does) and stacks. Unlike mmseg's
    ``SegDataPreProcessor`` it accepts batches in which some or all samples
    have no ``gt_sem_seg`` (fusion-only data): labels are padded where they
    exist and left absent elsewhere, so a model can tell labelled samples
    apart instead of being fed an all-ignore map that pretends.

    Args:
        mean: 4 per-channel means (visible R, G, B, infrared).
        std: 4 per-channel standard deviations.
        size: pad every training batch to this (H, W).
        size_divisor: pad every batch to a multiple of this.
        pad_val: input padding value (before normalisation).
        seg_pad_val: label padding value (255 = ignore).
        test_cfg: ``dict(size=..., size_divisor=...)`` padding at test time.
        drop_modality: ``'ir'`` or ``'vis'`` sets that modality's channels
            to zero after normalisation, in training and testing, so that a
            network keeps its size and schedule but sees one modality only
            (the single-modality baselines of docs/results.md); None keeps
            both.
    """

    MODALITY_CHANNELS = dict(vis=slice(0, 3), ir=slice(3, 4))

    def __init__(self,
                 mean: Sequence[float] = (0., 0., 0., 0.),
                 std: Sequence[float] = (255., 255., 255., 255.),
                 size: Optional[Tuple[int, int]] = None,
                 size_divisor: Optional[int] = None,
                 pad_val: float = 0,
                 seg_pad_val: int = 255,
                 test_cfg: Optional[dict] = None,
                 drop_modality: Optional[str] = None,
                 non_blocking: bool = False) -> None:
        super().__init__(non_blocking)
        if drop_modality not in (None, *self.MODALITY_CHANNELS):
            raise ValueError("drop_modality must be None, 'ir' or 'vis', got "
                             f'{drop_modality!r}')
        if len(mean) != 4 or len(std) != 4:
            raise ValueError('IVFDataPreProcessor expects 4 mean/std values '
                             f'(R, G, B, IR), got {mean} and {std}')
        self.register_buffer('mean', torch.tensor(mean).view(-1, 1, 1), False)
        self.register_buffer('std', torch.tensor(std).view(-1, 1, 1), False)
        self.size = size
        self.size_divisor = size_divisor
        self.pad_val = pad_val
        self.seg_pad_val = seg_pad_val
        self.test_cfg = test_cfg
        self.drop_modality = drop_modality

    @staticmethod
    def split(inputs: Tensor) -> Tuple[Tensor, Tensor]:
        """Split a (B, 4, H, W) batch into visible (B, 3, ...) and IR (B, 1,
        ...)."""
        return inputs[:, :3], inputs[:, 3:4]

    def _target_size(self, shapes: List[torch.Size],
                     size: Optional[Tuple[int, int]],
                     size_divisor: Optional[int]) -> Tuple[int, int]:
        h = max(s[-2] for s in shapes)
        w = max(s[-1] for s in shapes)
        if size is not None:
            h, w = max(h, size[0]), max(w, size[1])
        if size_divisor:
            h = -(-h // size_divisor) * size_divisor
            w = -(-w // size_divisor) * size_divisor
        return h, w

    def _pad(self, inputs: List[Tensor], samples: Optional[list],
             size: Optional[Tuple[int, int]],
             size_divisor: Optional[int]) -> Tensor:
        h, w = self._target_size([x.shape for x in inputs], size, size_divisor)
        padded = []
        for i, x in enumerate(inputs):
            pad = (0, w - x.shape[-1], 0, h - x.shape[-2])
            padded.append(F.pad(x, pad, value=self.pad_val))
            if samples is None:
                continue
            sample = samples[i]
            if 'gt_sem_seg' in sample:
                seg = sample.gt_sem_seg.data
                sample.gt_sem_seg = PixelData(
                    data=F.pad(seg, pad, value=self.seg_pad_val))
            sample.set_metainfo(
                dict(
                    img_shape=tuple(x.shape[-2:]),
                    pad_shape=(h, w),
                    padding_size=[0, pad[1], 0, pad[3]]))
        return torch.stack(padded, dim=0)

    def forward(self, data: dict, training: bool = False) -> Dict[str, Any]:
        data = self.cast_data(data)
        inputs = data['inputs']
        samples = data.get('data_samples')
        for x in inputs:
            if x.dim() != 3 or x.shape[0] != 4:
                raise ValueError(
                    'IVFDataPreProcessor expects 4 x H x W inputs (visible '
                    f'RGB + infrared), got {tuple(x.shape)}; use '
                    'LoadIRVisPair and PackIVFInputs in the pipeline')
        inputs = [(x.float() - self.mean) / self.std for x in inputs]
        if self.drop_modality is not None:
            dropped = self.MODALITY_CHANNELS[self.drop_modality]
            for x in inputs:
                x[dropped] = 0
        if training:
            if samples is None:
                raise ValueError('data_samples are required in training')
            batch = self._pad(inputs, samples, self.size, self.size_divisor)
        elif self.test_cfg:
            batch = self._pad(inputs, samples, self.test_cfg.get('size'),
                              self.test_cfg.get('size_divisor'))
        else:
            shape = inputs[0].shape
            if any(x.shape != shape for x in inputs):
                raise ValueError(
                    'images in a test batch must have the same size; use '
                    'batch_size=1 or test_cfg=dict(size_divisor=...)')
            batch = torch.stack(inputs, dim=0)
        return dict(inputs=batch, data_samples=samples)
