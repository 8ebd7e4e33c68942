# The fixed downstream segmenter of tools/analysis_tools/segment_fused.py:
# it is trained once per fusion method (and seed) on that method's fused
# images, and the mIoU it reaches on the val split measures how much the
# fusion helps segmentation (docs/downstream_segmentation.md).
#
# Why mmseg's BiSeNetV2 (+ FCN head and four booster heads), randomly
# initialised (there are no downloads here):
# * stock mmseg, pure PyTorch and mmcv.cnn bricks: runs on mmcv-lite (no
#   compiled ops), and any mmseg user can reproduce it;
# * designed and published to train from scratch (no ImageNet weights),
#   unlike SegFormer's MixVisionTransformer, whose from-scratch training on
#   125 images is weak, and unlike ResNet backbones (the dilated ResNet-18 FCN
#   of configs/baselines runs at output stride 8 and is several times slower
#   per iteration);
# * CPU-sized: 1.65 s of CPU per iteration (batch 8, 192x192 crops, measured
#   with one thread under nice on a loaded 2-core machine), so 800
#   iterations take at most ~22 minutes per method in one process.
# Data, crops, batch and schedule (AdamW, lr 2e-3, 800 iterations) follow
# the project's MSRS recipe (configs/baselines/fcn_r18-4ch_1xb8-800i_msrs-192x192.py).
# On a GPU, lengthen the schedule or swap the model with --cfg-options.
_base_ = [
    '../_base_/models/bisenetv2.py', '../_base_/datasets/msrs_fused.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_800i.py'
]
custom_imports = dict(imports=['segfanet_mm'], allow_failed_imports=False)
crop_size = (192, 192)
# training batches: crops padded to crop_size (as mmseg's configs do)
model = dict(data_preprocessor=dict(size=crop_size))
# validate once, at the end; keep only the final checkpoint
train_cfg = dict(val_interval=800)
default_hooks = dict(checkpoint=dict(interval=800, max_keep_ckpts=1))
# FusionVisualizationHook draws IR | visible | fused panels from 4-channel
# inputs; a plain segmenter on 3-channel images has none of them.
custom_hooks = [
    dict(type='NonFiniteLossHook', action='raise'),
    dict(type='RNGStateHook'),
]
