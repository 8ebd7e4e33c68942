"""The built-in synthetic demo data set (generated on first use)."""
from mmseg.registry import DATASETS

from .demo_scenes import DEMO_CLASSES, DEMO_PALETTE, write_demo_dataset
from .ivf_dataset import IVFDataset


@DATASETS.register_module()
class DemoIVFDataset(IVFDataset):
    """Synthetic day/night scenes with people and vehicles (3 classes).

    The first process that builds it writes the data under ``data_root``
    (see :mod:`segfanet_mm.datasets.demo_scenes`); others reuse it. Nothing
    is downloaded.
    """

    METAINFO = dict(classes=DEMO_CLASSES, palette=DEMO_PALETTE)
    classes_name_stored_labels = False

    def __init__(self,
                 data_root: str = 'data/demo',
                 seed: int = 0,
                 **kwargs) -> None:
        write_demo_dataset(data_root, seed=seed)  # no-op when present
        super().__init__(data_root=data_root, **kwargs)
