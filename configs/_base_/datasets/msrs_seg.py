# MSRS with its 9-class labels in the project's split layout
#   data/msrs_seg/{train,val}/{vis,ir,label}/<stem>.png
# (../shared/data/msrs_seg: 125 train / 31 val real MSRS training pairs,
# MSRS-enhanced IR + MFNet RGB and labels; link it with
#   ln -s $(realpath ../shared/data/msrs_seg) data/msrs_seg
# or let `make results-msrs` do it). The official layout
# {train,test}/{vi,ir,Segmentation_labels} reads with _base_/datasets/msrs.py.
# Index 0 (unlabelled) is kept as a class, as MFNet/MSRS evaluations do.
# Validation and test both read val/: every choice of weights and schedule
# is made on it (docs/results.md, "Selection rule").
dataset_type = 'MSRSDataset'
data_root = 'data/msrs_seg'
# Cross-entropy weights of the 9 classes, tempered median-frequency balancing
# of train/'s labels (w_c ~ (median f / f_c)^0.5, sum_c f_c w_c = 1):
#   python tools/analysis_tools/class_weights.py data/msrs_seg/train/label
# Read by the class-weighted (-rgb) configs.
class_weight = [0.64, 3.65, 5.96, 6.52, 10.33, 7.44, 13.69, 10.40, 12.71]
crop_size = (192, 192)
train_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(
        type='RandomResize',
        scale=(640, 480),
        ratio_range=(0.5, 1.0),
        keep_ratio=True),
    dict(type='IVFRandomCrop', crop_size=crop_size, cat_max_ratio=0.95),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackIVFInputs'),
]
test_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(type='PackIVFInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(
            vis_path='train/vis',
            ir_path='train/ir',
            seg_map_path='train/label'),
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
            vis_path='val/vis', ir_path='val/ir', seg_map_path='val/label'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='FusionMetric')
]
test_evaluator = val_evaluator
