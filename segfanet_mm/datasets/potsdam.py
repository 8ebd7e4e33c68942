"""ISPRS Potsdam as an infrared / visible data set."""
from mmseg.registry import DATASETS

from .prepared_dataset import PreparedIVFDataset


@DATASETS.register_module()
class PotsdamFusionDataset(PreparedIVFDataset):
    """ISPRS Potsdam, tiled by ``tools/dataset_converters/potsdam_fusion.py``:
    the IR band as infrared, RGB as visible; 6 classes, eroded boundaries
    (noBoundary labels) = 255. Palette = the ISPRS label colours."""

    METAINFO = dict(
        classes=('impervious_surface', 'building', 'low_vegetation', 'tree',
                 'car', 'clutter'),
        palette=[[255, 255, 255], [0, 0, 255], [0, 255, 255], [0, 255, 0],
                 [255, 255, 0], [255, 0, 0]])
    PREPARE_COMMAND = ('python tools/dataset_converters/potsdam_fusion.py '
                       '/path/to/potsdam_zips --out {data_root}')
