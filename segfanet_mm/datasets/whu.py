"""WHU-OPT-SAR optical images as an infrared (NIR) / visible (RGB) data set."""
from mmseg.registry import DATASETS

from .prepared_dataset import PreparedIVFDataset


@DATASETS.register_module()
class WHUFusionDataset(PreparedIVFDataset):
    """WHU-OPT-SAR land cover, tiled by ``tools/dataset_converters/
    whu_opt_sar.py``: GF-1 NIR as infrared, RGB as visible.

    The release's label values 0, 10, ..., 70 become indices 0..7 in the
    order of the dataset's README and the MCANet paper: background (0),
    farmland, city, village, water, forest, road, others (70). The palette
    of the seven land-use classes is the one the maintainers published
    (issue 2 of their repository); background, which they give no colour,
    is black.

    Args:
        ignore_background: treat class 0 (background) as ignore (255) and
            train the 7 land-cover classes only (mmseg's class-subset
            remapping; set ``num_classes=7`` in the model). Default: keep it
            as a class (8 classes).
        **kwargs: see :class:`IVFDataset`.
    """

    METAINFO = dict(
        classes=('background', 'farmland', 'city', 'village', 'water',
                 'forest', 'road', 'others'),
        palette=[[0, 0, 0], [204, 102, 0], [255, 0, 0], [255, 255, 0],
                 [0, 0, 255], [85, 167, 0], [0, 255, 255], [153, 102, 153]])
    PREPARE_COMMAND = ('python tools/dataset_converters/whu_opt_sar.py '
                       '/path/to/WHU-OPT-SAR --out {data_root}')

    def __init__(self, ignore_background: bool = False, **kwargs) -> None:
        if ignore_background:
            kwargs['metainfo'] = dict(
                kwargs.get('metainfo') or {},
                classes=self.METAINFO['classes'][1:])
        super().__init__(**kwargs)
