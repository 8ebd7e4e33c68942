default_scope = 'mmseg'
custom_imports = dict(imports=['segfanet_mm'], allow_failed_imports=False)
# mmengine's Runner with atomic checkpoint files, a --resume that survives a
# broken last_checkpoint, and torchrun on CPU (segfanet_mm/engine/runner)
runner_type = 'SegFANetRunner'
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # gloo is chosen automatically on CPU
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(
    type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)
# A NaN/inf loss stops training with the iteration and loss term named
# (action='skip' drops such steps instead and logs how many).
# RNGStateHook makes --resume continue the random stream it stopped at;
# FusionVisualizationHook writes IR | visible | fused | prediction | label
# panels of every 4th validation/test batch to the vis backends.
# PreflightCheckHook stops before the first iteration on a num_classes that
# differs from the data set's classes, unknown checkpoint hook keys and
# out-of-range validation labels.
custom_hooks = [
    dict(type='NonFiniteLossHook', action='raise'),
    dict(type='RNGStateHook'),
    dict(type='FusionVisualizationHook', interval=4),
    dict(type='PreflightCheckHook'),
]
