"""Write every test image's fused images and segmentation map to disk."""
import os
import os.path as osp
from typing import Optional, Sequence

import cv2
import torch
from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from ...datasets.transforms.image_io import image_stem
from ...utils.atomic_io import atomic_imwrite
from ...utils.output_guard import (check_output_file, check_output_folder,
                                   resolved)
from ...utils.uint8_image import to_uint8_image


@HOOKS.register_module()
class SaveFusionResultsHook(Hook):
    """Save predictions of the test loop under their source file stems.

    ``out_dir/fused/<stem>.png``      fused luminance (8-bit grey)
    ``out_dir/fused_rgb/<stem>.png``  fused colour (visible Cb/Cr, BT.601)
    ``out_dir/seg/<stem>.png``        predicted class indices (8-bit)

    Fields a model does not predict are skipped (a plain segmentor writes
    only ``seg``). Files are written atomically, never over an input file:
    an ``out_dir`` that resolves (through links too) to or inside a folder
    of the test images or labels, or an output that is a link to an input,
    raises :class:`~segfanet_mm.utils.OutputOverlapError`.
    """

    priority = 'LOW'

    def __init__(self,
                 out_dir: str,
                 fields: Sequence[str] = ('fused', 'fused_rgb', 'seg')):
        self.out_dir = out_dir
        self.fields = tuple(fields)
        self.num_written = 0
        self._checked_folders: set = set()

    def _targets(self, sample) -> dict:
        targets = {}
        if 'fused' in self.fields and 'pred_fused' in sample:
            targets['fused'] = to_uint8_image(sample.pred_fused.data)
        if 'fused_rgb' in self.fields and 'pred_fused_rgb' in sample:
            targets['fused_rgb'] = cv2.cvtColor(
                to_uint8_image(sample.pred_fused_rgb.data), cv2.COLOR_RGB2BGR)
        if 'seg' in self.fields and 'pred_sem_seg' in sample:
            targets['seg'] = sample.pred_sem_seg.data[0].to(
                torch.uint8).cpu().numpy()
        return targets

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        sources = [
            p for s in outputs or []
            for p in (s.get('vis_path'), s.get('ir_path'),
                      s.get('seg_map_path')) if p
        ]
        folders = {osp.dirname(p) for p in sources} - self._checked_folders
        check_output_folder(self.out_dir, folders)
        self._checked_folders |= folders
        inputs = resolved(sources)
        for sample in outputs or []:
            stem = image_stem(sample.img_path)
            for field, image in self._targets(sample).items():
                path = osp.join(self.out_dir, field, stem + '.png')
                check_output_file(path, inputs)
                os.makedirs(osp.dirname(path), exist_ok=True)
                atomic_imwrite(path, image)
            self.num_written += 1

    def after_test_epoch(self, runner, metrics=None) -> None:
        runner.logger.info(
            f'Wrote predictions of {self.num_written} images to '
            f'{osp.abspath(self.out_dir)} (fused/, fused_rgb/, seg/)')
