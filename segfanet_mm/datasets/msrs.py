"""MSRS (multi-spectral road scenes) in its official folder layout."""
from typing import Dict, Optional

from mmseg.registry import DATASETS

from .prepared_dataset import PreparedIVFDataset


@DATASETS.register_module()
class MSRSDataset(PreparedIVFDataset):
    """MSRS (Tang et al., PIAFusion 2022; MFNet scenes): 640 x 480 thermal IR
    and RGB pairs with 9-class labels stored as indices 0..8.

    Official layout, used as is (no conversion)::

        data_root/{train,test}/vi/<stem>.png
        data_root/{train,test}/ir/<stem>.png
        data_root/{train,test}/Segmentation_labels/<stem>.png

    ``data_prefix`` defaults to ``vi``/``ir``/``Segmentation_labels``
    relative to ``data_root``; the configs name the split folder in it.
    Palette: MFNet's.

    Args:
        label_values: map raw label values to class indices before any
            class-subset remapping, for MSRS-derived sets stored otherwise,
            e.g. ``{255: 2}`` for binary person masks (0/255). Values not
            listed are taken as class indices.
        **kwargs: see :class:`IVFDataset`.
    """

    METAINFO = dict(
        classes=('unlabelled', 'car', 'person', 'bike', 'curve', 'car_stop',
                 'guardrail', 'color_cone', 'bump'),
        palette=[[0, 0, 0], [64, 0, 128], [64, 64, 0], [0, 128, 192],
                 [0, 0, 192], [128, 128, 0], [64, 64, 128], [192, 128, 128],
                 [192, 64, 0]])
    PREPARE_COMMAND = ('download MSRS (https://github.com/Linfeng-Tang/MSRS) '
                       'and link it: ln -s /path/to/MSRS {data_root}')

    def __init__(self,
                 data_prefix: Optional[dict] = None,
                 label_values: Optional[Dict[int, int]] = None,
                 lazy_init: bool = False,
                 **kwargs) -> None:
        if data_prefix is None:
            data_prefix = dict(
                vis_path='vi',
                ir_path='ir',
                seg_map_path='Segmentation_labels')
        super().__init__(data_prefix=data_prefix, lazy_init=True, **kwargs)
        if label_values:
            subset = self.label_map or {}
            label_map = dict(subset)
            label_map.update({
                raw: subset.get(index, index)
                for raw, index in label_values.items()
            })
            self.label_map = label_map
            self._metainfo['label_map'] = label_map
        if not lazy_init:
            self.full_init()
