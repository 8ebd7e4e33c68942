# Built-in synthetic infrared/visible scenes, generated into data/demo on first
# use (segfanet_mm/datasets/demo_scenes.py). 3 classes: background, person,
# vehicle. Scenes are 144 x 192; training uses random 128 x 128 crops.
dataset_type = 'DemoIVFDataset'
data_root = 'data/demo'
crop_size = (128, 128)
train_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(
        type='RandomResize',
        scale=(192, 144),
        ratio_range=(0.75, 1.5),
        keep_ratio=True),
    dict(type='IVFRandomCrop', crop_size=crop_size, cat_max_ratio=0.9),
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
    num_workers=2,
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
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            vis_path='vis/val', ir_path='ir/val', seg_map_path='ann/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# Segmentation and fusion quality in one evaluator (docs/metrics.md); a
# segmentation-only model lists IoUMetric alone.
val_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='FusionMetric')
]
test_evaluator = val_evaluator
