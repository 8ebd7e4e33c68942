from .demo_dataset import DemoIVFDataset
from .demo_scenes import make_scene, write_demo_dataset
from .ivf_dataset import DatasetLayoutError, IVFDataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'DemoIVFDataset', 'make_scene', 'write_demo_dataset',
    'DatasetLayoutError', 'IVFDataset'
]
