# Real infrared/visible pairs from the project's shared data folder, mixed:
#   RoadScene (221 pairs, no labels): fusion and alignment terms only;
#   msrs_mini (8 MSRS train pairs, binary person masks 0/255, repeated 8x so
#   about one training image in five is labelled): + segmentation loss.
# Unlabelled and labelled images share batches; the segmentation loss counts
# labelled pixels only (IVFDataPreProcessor fills 255 = ignore elsewhere).
# Validation: msrs_mini (person IoU + fusion metrics). Test: VIFB's 21 pairs
# (held out from training; fusion metrics only). Two classes: unlabelled and
# person (MSRS's names; the masks are its person class binarised).
shared_root = '../shared/data'
classes = dict(
    classes=('unlabelled', 'person'), palette=[[0, 0, 0], [255, 64, 0]])
crop_size = (192, 192)
roadscene_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='IVFRandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackIVFInputs'),
]
msrs_train_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(
        type='RandomResize',
        scale=(640, 480),
        ratio_range=(0.5, 1.0),
        keep_ratio=True),
    dict(type='IVFRandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackIVFInputs'),
]
test_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='PackIVFInputs'),
]
val_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(type='PackIVFInputs'),
]
msrs_mini = dict(
    type='MSRSDataset',
    data_root=shared_root + '/msrs_mini',
    data_prefix=dict(vis_path='vis', ir_path='ir', seg_map_path='label'),
    label_values={255: 2},  # 255 = MSRS person (class 2 before the subset)
    metainfo=classes)
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='ConcatDataset',
        # label_map differs: RoadScene has no labels to remap.
        ignore_keys=['label_map'],
        datasets=[
            dict(
                type='IVFDataset',
                data_root=shared_root + '/roadscene',
                data_prefix=dict(vis_path='vis', ir_path='ir'),
                metainfo=classes,
                pipeline=roadscene_pipeline),
            dict(
                type='RepeatDataset',
                times=8,
                dataset=dict(msrs_mini, pipeline=msrs_train_pipeline)),
        ]))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(msrs_mini, pipeline=val_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='IVFDataset',
        data_root=shared_root + '/vifb21',
        data_prefix=dict(vis_path='vis', ir_path='ir'),
        metainfo=classes,
        pipeline=test_pipeline))
val_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='FusionMetric')
]
test_evaluator = dict(type='FusionMetric')
