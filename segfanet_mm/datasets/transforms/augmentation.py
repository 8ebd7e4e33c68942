"""Augmentations that respect the stacked visible + infrared layout."""
import numpy as np
from mmseg.datasets.transforms import PhotoMetricDistortion, RandomCrop
from mmseg.registry import TRANSFORMS


@TRANSFORMS.register_module()
class VisiblePhotoMetricDistortion(PhotoMetricDistortion):
    """mmseg's ``PhotoMetricDistortion`` applied to the visible channels only.

    Brightness, contrast, saturation and hue jitter model lighting and camera
    changes of the visible sensor; the infrared channel measures temperature
    and is left untouched. mmseg's implementation expects BGR, so the visible
    RGB channels are flipped around the call.
    """

    def transform(self, results: dict) -> dict:
        img = results['img']
        results['img'] = np.ascontiguousarray(img[..., 2::-1])
        results = super().transform(results)
        img[..., :3] = results['img'][..., ::-1]
        results['img'] = img
        return results


@TRANSFORMS.register_module()
class IVFRandomCrop(RandomCrop):
    """mmseg's ``RandomCrop`` that also accepts label-free samples.

    With a label, ``cat_max_ratio`` limits how much one class may fill the
    crop, exactly as in mmseg; without one (fusion-only data) the crop is
    uniform, so labelled and unlabelled sets can share one pipeline.
    """

    def crop_bbox(self, results: dict) -> tuple:
        if 'gt_seg_map' in results:
            return super().crop_bbox(results)
        img = results['img']
        margin_h = max(img.shape[0] - self.crop_size[0], 0)
        margin_w = max(img.shape[1] - self.crop_size[1], 0)
        y1 = np.random.randint(0, margin_h + 1)
        x1 = np.random.randint(0, margin_w + 1)
        return y1, y1 + self.crop_size[0], x1, x1 + self.crop_size[1]
