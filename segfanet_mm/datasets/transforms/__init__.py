from .augmentation import IVFRandomCrop, VisiblePhotoMetricDistortion
from .formatting import PackIVFInputs
from .image_io import (ImageReadError, NonFinitePixelWarning, image_stem,
                       load_infrared, load_visible, read_image_bytes,
                       robust_range, to_infrared, to_visible)
from .loading import LoadIRVisPair, LoadIVFAnnotations, load_label_map

__all__ = [
    'IVFRandomCrop', 'VisiblePhotoMetricDistortion', 'PackIVFInputs',
    'ImageReadError', 'NonFinitePixelWarning', 'image_stem', 'load_infrared',
    'load_visible', 'read_image_bytes', 'robust_range', 'to_infrared',
    'to_visible', 'LoadIRVisPair', 'LoadIVFAnnotations', 'load_label_map'
]
