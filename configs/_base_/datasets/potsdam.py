# ISPRS Potsdam: the IR band as infrared, RGB as visible, 512 x 512 tiles,
# 6 classes, eroded boundaries ignored (noBoundary labels). The 14 ISPRS
# validation tiles serve as validation and test set (as in mmseg). Make
# data/potsdam with (docs/datasets.md):
#   python tools/dataset_converters/potsdam_fusion.py /path/to/zips \
#       --out data/potsdam
dataset_type = 'PotsdamFusionDataset'
data_root = 'data/potsdam'
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
            vis_path='vis/val', ir_path='ir/val', seg_map_path='ann/val'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
