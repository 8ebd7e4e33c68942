from .classical_fusion import fuse_pair_classical
from .config_utils import (build_runner, enable_amp, enable_speed_options,
                           load_config, resolve_config_path)
from .distributed import finish_distributed
from .inference import (FusionResult, fuse_pair, init_fusion_model,
                        result_from_sample, stack_pair, to_uint8_image)

__all__ = [
    'fuse_pair_classical', 'build_runner', 'enable_amp',
    'enable_speed_options', 'finish_distributed', 'load_config',
    'resolve_config_path', 'FusionResult', 'fuse_pair', 'init_fusion_model',
    'result_from_sample', 'stack_pair', 'to_uint8_image'
]
