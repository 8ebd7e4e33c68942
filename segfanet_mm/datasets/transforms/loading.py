"""Loading transforms for paired infrared/visible samples."""
from typing import Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from .image_io import (ImageReadError, check_ir_range, load_infrared,
                       load_visible, read_image_bytes)


@TRANSFORMS.register_module()
class LoadIRVisPair(BaseTransform):
    """Load a visible + infrared pair into one H x W x 4 array.

    The pair is stacked as ``img[..., :3]`` = visible RGB and ``img[..., 3]``
    = infrared, so that mmseg's geometric transforms (``RandomResize``,
    ``RandomCrop``, ``RandomFlip``, ``Pad``) move both modalities (and the
    label) together. Both files go through the project's one image reader,
    :mod:`segfanet_mm.datasets.transforms.image_io` (bit depth, float
    ranges, NaN, EXIF orientation, alpha, palette), exactly as
    ``tools/fuse.py`` and the API read them.

    Args:
        backend_args: mmengine file backend arguments.
        ir_range: ``(low, high)`` stored infrared values mapped to 0..255 for
            every image (a sequence's fixed range); default: 8-bit as
            stored, deeper data stretched per image between its 0.5th and
            99.5th percentiles.

    Required keys: ``vis_path``, ``ir_path``.
    Added keys: ``img``, ``img_shape``, ``ori_shape``, ``img_path``.

    Raises:
        ImageReadError: when either file cannot be read, or the two images
            differ in size (both files are named).
    """

    def __init__(self,
                 backend_args: Optional[dict] = None,
                 ir_range: Optional[Sequence[float]] = None) -> None:
        self.backend_args = backend_args
        self.ir_range = check_ir_range(ir_range)

    def transform(self, results: dict) -> dict:
        vis_path, ir_path = results['vis_path'], results['ir_path']
        vis = load_visible(vis_path, self.backend_args)
        ir = load_infrared(ir_path, self.backend_args, self.ir_range)
        if vis.shape[:2] != ir.shape[:2]:
            raise ImageReadError(
                f'infrared/visible size mismatch: {ir_path} is '
                f'{ir.shape[1]}x{ir.shape[0]} (WxH) but {vis_path} is '
                f'{vis.shape[1]}x{vis.shape[0]}; register or resize the pair '
                'so both have the same size')
        results['img'] = np.concatenate([vis, ir[..., None]], axis=2)
        results['img_path'] = vis_path
        results['img_shape'] = results['ori_shape'] = vis.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(backend_args={self.backend_args}'
                f', ir_range={self.ir_range})')


@TRANSFORMS.register_module()
class LoadIVFAnnotations(BaseTransform):
    """Load a class-index label map, when the sample has one.

    Label-free samples (no ``seg_map_path``) pass through unchanged, so the
    same pipeline serves labelled and fusion-only data. Values must be class
    indices ``< num_classes`` or the ignore index 255; anything else is an
    error naming the file (a colour label or an unconverted dataset usually).
    ``label_map`` and ``reduce_zero_label`` behave as in mmseg's
    ``LoadAnnotations``.
    """

    def __init__(self, backend_args: Optional[dict] = None) -> None:
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        path = results.get('seg_map_path')
        if not path:
            return results
        seg = read_image_bytes(path, self.backend_args)
        if seg.ndim == 3:
            if not (seg == seg[..., :1]).all():
                raise ImageReadError(
                    f'{path}: label must be a 1-channel map of class '
                    f'indices, got {seg.shape[2]} differing channels (a '
                    'colour label? convert it with tools/dataset_converters)')
            seg = seg[..., 0]
        seg = seg.astype(np.int64)
        if results.get('reduce_zero_label', False):
            seg[seg == 0] = 255
            seg = seg - 1
            seg[seg == 254] = 255
        label_map = results.get('label_map')
        if label_map:
            mapped = seg.copy()
            for old_id, new_id in label_map.items():
                mapped[seg == old_id] = new_id
            seg = mapped
        num_classes = results.get('num_classes')
        if num_classes is not None:
            bad = (seg >= num_classes) & (seg != 255)
            if bad.any():
                values = sorted(np.unique(seg[bad]).tolist())[:8]
                raise ImageReadError(
                    f'{path}: label values {values} are out of range for '
                    f'{num_classes} classes (valid: 0..{num_classes - 1} '
                    'and 255 = ignore)')
        shape = results.get('img_shape')
        if shape is not None and tuple(seg.shape) != tuple(shape[:2]):
            raise ImageReadError(
                f'{path}: label is {seg.shape[1]}x{seg.shape[0]} (WxH) but '
                f'its image {results.get("vis_path")} is '
                f'{shape[1]}x{shape[0]}')
        results['gt_seg_map'] = seg.astype(np.uint8)
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(backend_args={self.backend_args})'


def load_label_map(path: str, num_classes: Optional[int] = None) -> np.ndarray:
    """One label file as an H x W uint8 class-index map, read and checked
    exactly as :class:`LoadIVFAnnotations` reads training labels (1 channel,
    values below ``num_classes`` or 255); raises :class:`ImageReadError`
    naming the file otherwise."""
    results = LoadIVFAnnotations().transform(
        dict(seg_map_path=path, num_classes=num_classes))
    return results['gt_seg_map']
