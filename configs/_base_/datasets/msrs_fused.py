# One image per MSRS pair (a fused image, or one source image) with the
# 9-class MSRS labels, read by mmseg's stock BaseSegDataset and pipeline:
#   <data_root>/<img_path>/<stem>.png   3-channel images (grey files, e.g.
#                                       infrared, are read as 3 equal channels)
#   <data_root>/<seg_map_path>/<stem>.png   uint8 class indices, 255 = ignore
# Defaults: the visible images of data/msrs_seg (ln -s ../shared/data/msrs_seg
# data/msrs_seg). tools/analysis_tools/segment_fused.py points img_path at
# each fusion method's images through --cfg-options (and ann_file at a list
# of the labelled stems, so extra unlabelled images in a folder are ignored).
# Crops, resizing and batch follow _base_/datasets/msrs_seg.py, the recipe of
# the project's MSRS runs. Index 0 (unlabelled) is kept as a class.
dataset_type = 'BaseSegDataset'
data_root = 'data/msrs_seg'
metainfo = dict(
    classes=('unlabelled', 'car', 'person', 'bike', 'curve', 'car_stop',
             'guardrail', 'color_cone', 'bump'),
    palette=[[0, 0, 0], [64, 0, 128], [64, 64, 0], [0, 128, 192], [0, 0, 192],
             [128, 128, 0], [64, 64, 128], [192, 128, 128], [192, 64, 0]])
crop_size = (192, 192)
train_pipeline = [
    dict(type='LoadImageFromFile'),  # color_type='color': always 3 channels
    dict(type='LoadAnnotations'),
    dict(
        type='RandomResize',
        scale=(640, 480),
        ratio_range=(0.5, 1.0),
        keep_ratio=True),
    dict(type='RandomCrop', crop_size=crop_size, cat_max_ratio=0.95),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        img_suffix='.png',
        seg_map_suffix='.png',
        data_prefix=dict(img_path='train/vis', seg_map_path='train/label'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        img_suffix='.png',
        seg_map_suffix='.png',
        data_prefix=dict(img_path='val/vis', seg_map_path='val/label'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
