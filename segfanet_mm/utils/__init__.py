from .atomic_io import atomic_imwrite, atomic_write_bytes
from .checkpoint_compat import TRUST_ENV, safe_torch_load
from .compat import applied_patches, apply_patches
from .mmcv_compat import has_compiled_mmcv_ops
from .output_guard import (OutputOverlapError, check_output_file,
                           check_output_folder, resolved)
from .uint8_image import to_uint8_image

__all__ = [
    'atomic_imwrite', 'atomic_write_bytes', 'TRUST_ENV', 'safe_torch_load',
    'applied_patches', 'apply_patches', 'has_compiled_mmcv_ops',
    'OutputOverlapError', 'check_output_file', 'check_output_folder',
    'resolved', 'to_uint8_image'
]
