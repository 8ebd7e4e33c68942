"""SegFANet-MM: infrared-visible image fusion guided by semantic segmentation,
as an MMSegmentation 1.x plugin.

Importing this package first applies the few third-party fixes this stack
needs (:mod:`segfanet_mm.utils.compat`: mmseg on mmcv-lite, checkpoint
loading on torch >= 2.6), then registers the project's datasets,
transforms, models, metrics, hooks and runner in mmseg's registries.
"""
from .utils.compat import apply_patches

apply_patches()

from . import datasets, engine, evaluation, models, visualization  # noqa
from .version import __version__  # noqa: E402

__all__ = ['__version__']
