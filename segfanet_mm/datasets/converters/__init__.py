"""Shared machinery of ``tools/dataset_converters``: reading source rasters,
mapping labels, and restartable tiling into ``data/<name>/{vis,ir,ann}``."""
from .raster import (ConversionError, check_same_size, describe_rgb,
                     map_label_codes, pack_rgb, read_tiff, require_bands,
                     rgb_table, snap_channels, to_uint8)
from .tiling import (Scene, SceneArrays, SceneResult, SceneTiler, hash_split,
                     run_command, tile_origins)

__all__ = [
    'ConversionError', 'check_same_size', 'describe_rgb', 'map_label_codes',
    'pack_rgb', 'read_tiff', 'require_bands', 'rgb_table', 'snap_channels',
    'to_uint8', 'Scene', 'SceneArrays', 'SceneResult', 'SceneTiler',
    'hash_split', 'run_command', 'tile_origins'
]
