from .augmentation import IVFRandomCrop, VisiblePhotoMetricDistortion
from .formatting import PackIVFInputs
from .image_io import ImageReadError, load_infrared, load_visible
from .loading import LoadIRVisPair, LoadIVFAnnotations

__all__ = [
    'IVFRandomCrop', 'VisiblePhotoMetricDistortion', 'PackIVFInputs',
    'ImageReadError', 'load_infrared', 'load_visible', 'LoadIRVisPair',
    'LoadIVFAnnotations'
]
