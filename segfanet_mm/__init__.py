"""SegFANet-MM: infrared-visible image fusion guided by semantic segmentation,
as an MMSegmentation 1.x plugin.

Importing this package first makes mmseg usable on this project's stack
(mmcv-lite, torch >= 2.6, CPU-only torchrun), then registers the project's
datasets, transforms, models, metrics and hooks in mmseg's registries.
"""
import warnings

warnings.filterwarnings('ignore', message='.*torch.jit.script.*deprecated')

from .utils import (install_atomic_checkpoints,  # noqa: E402
                    install_mmcv_ops_placeholder, patch_cpu_distributed,
                    register_safe_checkpoint_loaders)

install_mmcv_ops_placeholder()
install_atomic_checkpoints()
register_safe_checkpoint_loaders()
patch_cpu_distributed()

from . import datasets, engine, evaluation, models, visualization  # noqa
from .version import __version__  # noqa: E402,F401
