# RoadScene: 221 registered IR/visible pairs (~500 x 330, FLIR ADAS frames),
# no labels: fusion-only training (the models skip their segmentation loss).
# Layout data/roadscene/{ir,vis}/<stem>.jpg, no split folders (RoadScene has
# no official split: validation and test run on the same pairs). A copy sits
# beside the project in ../shared/data/roadscene; link it, never copy it:
#   ln -s "$(realpath ../shared/data/roadscene)" data/roadscene
# The same settings fit TNO, LLVIP or M3FD pairs in ir/ + vis/ folders.
dataset_type = 'IVFDataset'
data_root = 'data/roadscene'
crop_size = (256, 256)
train_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='IVFRandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackIVFInputs'),
]
test_pipeline = [
    dict(type='LoadIRVisPair'),
    dict(type='PackIVFInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(vis_path='vis', ir_path='ir'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(vis_path='vis', ir_path='ir'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
# Without labels only fusion metrics apply (segfanet_mm.evaluation).
val_evaluator = dict(type='FusionMetric')
test_evaluator = val_evaluator
