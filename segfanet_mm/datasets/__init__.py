from .demo_dataset import DemoIVFDataset
from .demo_scenes import make_scene, write_demo_dataset
from .ivf_dataset import DatasetLayoutError, IVFDataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'DemoIVFDataset', 'make_scene', 'write_demo_dataset', 'DatasetLayoutError',
    'IVFDataset'
]
from .msrs import MSRSDataset  # noqa: E402
from .potsdam import PotsdamFusionDataset  # noqa: E402
from .prepared_dataset import PreparedIVFDataset  # noqa: E402
from .whu import WHUFusionDataset  # noqa: E402

__all__ += [
    'MSRSDataset', 'PotsdamFusionDataset', 'PreparedIVFDataset',
    'WHUFusionDataset'
]
