"""Packing paired samples for the model."""
from mmseg.datasets.transforms import PackSegInputs
from mmseg.registry import TRANSFORMS

IVF_META_KEYS = ('img_path', 'vis_path', 'ir_path', 'seg_map_path',
                 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor', 'flip',
                 'flip_direction', 'reduce_zero_label')


@TRANSFORMS.register_module()
class PackIVFInputs(PackSegInputs):
    """Pack a stacked pair as a 4 x H x W uint8 tensor (visible RGB, IR).

    Same as mmseg's ``PackSegInputs`` (``gt_sem_seg`` only when the sample
    has a label), with both source paths in the metainfo and a check that the
    image really is a 4-channel pair.
    """

    def __init__(self, meta_keys: tuple = IVF_META_KEYS) -> None:
        super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.ndim != 3 or img.shape[2] != 4:
            raise ValueError(
                f'{results.get("img_path")}: expected a stacked visible+IR '
                f'image with 4 channels, got shape {img.shape}; load it with '
                'LoadIRVisPair')
        return super().transform(results)
