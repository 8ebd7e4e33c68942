from .checkpoint_compat import (TRUST_ENV, register_safe_checkpoint_loaders,
                                safe_torch_load)
from .dist_compat import patch_cpu_distributed
from .atomic_checkpoint import install_atomic_checkpoints
from .atomic_io import atomic_imwrite, atomic_write_bytes
from .mmcv_compat import has_compiled_mmcv_ops, install_mmcv_ops_placeholder
from .output_guard import (OutputOverlapError, check_output_file,
                           check_output_folder, resolved)

__all__ = [
    'install_atomic_checkpoints', 'atomic_imwrite', 'atomic_write_bytes',
    'TRUST_ENV', 'register_safe_checkpoint_loaders', 'safe_torch_load',
    'patch_cpu_distributed', 'has_compiled_mmcv_ops',
    'install_mmcv_ops_placeholder', 'OutputOverlapError',
    'check_output_file', 'check_output_folder', 'resolved'
]
