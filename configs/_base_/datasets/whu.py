# WHU-OPT-SAR optical images (GF-1): NIR as infrared, RGB as visible,
# 512 x 512 tiles, 8 classes (background kept as class 0; pass
# ignore_background=True to the datasets and num_classes=7 to the model to
# ignore it). The official split has train and test scenes only, so the
# test scenes also serve for validation. Make data/whu with
# (docs/datasets.md):
#   python tools/dataset_converters/whu_opt_sar.py /path/to/WHU-OPT-SAR \
#       --out data/whu
dataset_type = 'WHUFusionDataset'
data_root = 'data/whu'
crop_size = (512, 512)
train_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(
        type='RandomResize',
        scale=(512, 512),
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='IVFRandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='RandomFlip', prob=0.5),
    dict(type='VisiblePhotoMetricDistortion'),
    dict(type='PackIVFInputs'),
]
test_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(type='PackIVFInputs'),
]
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            vis_path='vis/train', ir_path='ir/train',
            seg_map_path='ann/train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            vis_path='vis/test', ir_path='ir/test', seg_map_path='ann/test'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
