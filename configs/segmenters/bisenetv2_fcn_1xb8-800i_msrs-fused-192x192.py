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
#   unlike SegFormer's MixVisionTransformer (it imports on mmcv-lite too and
#   is faster, 1.05 s/iteration in the bare loop below, but transformers
#   trained from scratch on 125 images are weak) and ResNets (normally
#   ImageNet-initialised; the dilated ResNet-18 FCN of configs/baselines,
#   3-channel: 1.38 s/iteration);
# * CPU-sized: 1.65 s of CPU per iteration in a bare training loop and
#   1.9 s/iteration in tools/train.py (batch 8, 192x192 crops, one torch
#   thread, under nice on a 2-core machine loaded with ~12 other training
#   processes), so 800 iterations take ~25 minutes at one thread; two
#   threads on an idle machine should need well under that (not measured).
# Data, crops, batch and schedule (AdamW, lr 2e-3, 800 iterations) follow
# the project's MSRS recipe
# (configs/baselines/fcn_r18-4ch_1xb8-800i_msrs-192x192.py).
# On a GPU, lengthen the schedule or swap the model with --cfg-options.
_base_ = [
    '../_base_/models/bisenetv2.py', '../_base_/datasets/msrs_fused.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_800i.py'
]
crop_size = (192, 192)
# training batches: crops padded to crop_size (as mmseg's configs do)
model = dict(data_preprocessor=dict(size=crop_size))
# validate once, at the end (segment_fused.py skips it: it tests afterwards);
# a checkpoint halfway for --resume after a kill, only the last one kept
train_cfg = dict(val_interval=800)
default_hooks = dict(checkpoint=dict(interval=400, max_keep_ckpts=1))
# FusionVisualizationHook draws IR | visible | fused panels from 4-channel
# inputs; a plain segmenter on 3-channel images has none of them. The other
# hooks of default_runtime stay (a list replaces the inherited one whole).
custom_hooks = [
    dict(type='NonFiniteLossHook', action='raise'),
    dict(type='RNGStateHook'),
    dict(type='PreflightCheckHook'),
]
