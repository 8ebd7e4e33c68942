from .backbones import *  # noqa: F401,F403
from .classical_fusion import ClassicalFusion
from .data_preprocessor import IVFDataPreProcessor
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .segmentors import *  # noqa: F401,F403

__all__ = ['ClassicalFusion', 'IVFDataPreProcessor']
