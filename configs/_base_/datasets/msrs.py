# MSRS: 640 x 480 thermal IR + RGB road scenes, 9 classes (index 0 =
# unlabelled, kept as a class as in MFNet/MSRS evaluations), used in its
# official layout data/msrs/{train,test}/{vi,ir,Segmentation_labels}.
# MSRS has no validation split: its test split serves as both. Get it with
# (docs/datasets.md):
#   ln -s /path/to/MSRS data/msrs
dataset_type = 'MSRSDataset'
data_root = 'data/msrs'
crop_size = (480, 640)
train_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(
        type='RandomResize',
        scale=(640, 480),
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='IVFRandomCrop', crop_size=crop_size),
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
            vis_path='train/vi',
            ir_path='train/ir',
            seg_map_path='train/Segmentation_labels'),
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
            vis_path='test/vi',
            ir_path='test/ir',
            seg_map_path='test/Segmentation_labels'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
