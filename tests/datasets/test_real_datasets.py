"""WHU, Potsdam and MSRS dataset classes and their configs, on generated
folders."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from data_paths import REPO_ROOT
from mmengine.config import Config
from mmseg.registry import DATASETS

from segfanet_mm.datasets import (DatasetLayoutError, MSRSDataset,
                                  PotsdamFusionDataset, WHUFusionDataset)

PIPELINE = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(type='PackIVFInputs')
]


def write_split(root, folders, labels, size=(24, 32)):
    """One pair per label map; ``folders`` = (vis, ir, ann) relative to
    ``root``."""
    for folder in folders:
        os.makedirs(osp.join(root, folder), exist_ok=True)
    vis, ir, ann = folders
    for i, value in enumerate(labels):
        stem = f'{i:05d}N'
        cv2.imwrite(
            osp.join(root, vis, stem + '.png'),
            np.full(size + (3, ), 90, np.uint8))
        cv2.imwrite(
            osp.join(root, ir, stem + '.png'), np.full(size, 200, np.uint8))
        cv2.imwrite(
            osp.join(root, ann, stem + '.png'), np.full(size, value, np.uint8))
    return str(root)


def gt(dataset, index=0):
    return dataset[index]['data_samples'].gt_sem_seg.data.unique().tolist()


def whu_prefix(split='train'):
    return dict(
        vis_path=f'vis/{split}',
        ir_path=f'ir/{split}',
        seg_map_path=f'ann/{split}')


def test_whu_keeps_or_ignores_background(tmp_path):
    root = write_split(tmp_path / 'whu',
                       ('vis/train', 'ir/train', 'ann/train'), [0, 3])
    ds = WHUFusionDataset(
        data_root=root, data_prefix=whu_prefix(), pipeline=PIPELINE)
    assert len(ds) == 2 and len(ds.metainfo['classes']) == 8
    assert ds.metainfo['classes'][3] == 'village'
    assert (gt(ds, 0), gt(ds, 1)) == ([0], [3])
    ds = WHUFusionDataset(
        data_root=root,
        data_prefix=whu_prefix(),
        pipeline=PIPELINE,
        ignore_background=True)
    assert ds.metainfo['classes'][0] == 'farmland'
    assert len(ds.metainfo['palette']) == 7
    assert (gt(ds, 0), gt(ds, 1)) == ([255], [2])


def test_potsdam_classes_and_ignore(tmp_path):
    root = write_split(tmp_path / 'potsdam', ('vis/val', 'ir/val', 'ann/val'),
                       [5, 255])
    ds = PotsdamFusionDataset(
        data_root=root, data_prefix=whu_prefix('val'), pipeline=PIPELINE)
    assert ds.metainfo['classes'][1] == 'building'
    assert ds.metainfo['palette'][1] == [0, 0, 255]
    assert (gt(ds, 0), gt(ds, 1)) == ([5], [255])


def test_msrs_official_layout_and_default_prefix(tmp_path):
    folders = ('train/vi', 'train/ir', 'train/Segmentation_labels')
    root = write_split(tmp_path / 'MSRS', folders, [8, 2])
    ds = MSRSDataset(
        data_root=root,
        pipeline=PIPELINE,
        data_prefix=dict(
            zip(('vis_path', 'ir_path', 'seg_map_path'), folders)))
    assert len(ds.metainfo['classes']) == 9 and gt(ds, 0) == [8]
    ds = MSRSDataset(data_root=osp.join(root, 'train'), pipeline=PIPELINE)
    assert len(ds) == 2 and gt(ds, 1) == [2]
    sample = ds[0]['inputs']
    assert (sample[:3] == 90).all() and (sample[3] == 200).all()


def test_msrs_label_values_compose_with_class_subset(tmp_path):
    root = write_split(tmp_path / 'mini', ('vis', 'ir', 'label'), [0, 255])
    prefix = dict(vis_path='vis', ir_path='ir', seg_map_path='label')
    ds = MSRSDataset(
        data_root=root,
        data_prefix=prefix,
        pipeline=PIPELINE,
        label_values={255: 2})
    assert (gt(ds, 0), gt(ds, 1)) == ([0], [2])
    ds = MSRSDataset(
        data_root=root,
        data_prefix=prefix,
        pipeline=PIPELINE,
        label_values={255: 2},
        metainfo=dict(classes=('unlabelled', 'person')))
    assert ds.metainfo['palette'] == [[0, 0, 0], [64, 64, 0]]
    assert (gt(ds, 0), gt(ds, 1)) == ([0], [1])


@pytest.mark.parametrize('config, hint', [
    ('segfanet-s_1xb4-80k_whu-512x512.py',
     'python tools/dataset_converters/whu_opt_sar.py '
     '/path/to/WHU-OPT-SAR --out {root}'),
    ('segfanet-s_1xb4-80k_potsdam-512x512.py',
     'python tools/dataset_converters/'
     'potsdam_fusion.py /path/to/potsdam_zips --out {root}'),
    ('segfanet-s_1xb4-40k_msrs-480x640.py', 'ln -s /path/to/MSRS {root}'),
])
def test_configs_without_data_name_folder_and_command(tmp_path, config, hint):
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / 'segfanet' / config))
    dataset_cfg = cfg.train_dataloader.dataset
    classes = DATASETS.get(dataset_cfg.type).METAINFO['classes']
    assert cfg.model.decode_head.num_classes == len(classes)
    root = str(tmp_path / 'absent')
    dataset_cfg.data_root = root
    with pytest.raises(DatasetLayoutError) as err:
        DATASETS.build(dataset_cfg)
    message = str(err.value)
    assert osp.join(root, dataset_cfg.data_prefix.vis_path) in message
    assert hint.format(root=root) in message


def test_missing_label_folder_is_not_silently_label_free(tmp_path):
    root = write_split(tmp_path / 'whu',
                       ('vis/train', 'ir/train', 'ann/train'), [1])
    os.remove(osp.join(root, 'ann/train/00000N.png'))
    os.rmdir(osp.join(root, 'ann/train'))
    with pytest.raises(DatasetLayoutError, match=r'ann/train\. Make them'):
        WHUFusionDataset(
            data_root=root, data_prefix=whu_prefix(), pipeline=PIPELINE)


def test_msrs_seg_config_reads_the_split_layout(tmp_path):
    """The MSRS recipe's data set (msrs_seg: {train,val}/{vis,ir,label})
    through MSRSDataset's data_prefix, on a generated copy of the layout."""
    cfg = Config.fromfile(
        str(REPO_ROOT /
            'configs/segfanet/segfanet-s_1xb8-800i_msrs-192x192.py'))
    root = tmp_path / 'msrs_seg'
    write_split(root, ('train/vis', 'train/ir', 'train/label'), [1, 8, 2])
    write_split(root, ('val/vis', 'val/ir', 'val/label'), [4])
    datasets = {}
    for split in ('train', 'val'):
        dataset_cfg = cfg[f'{split}_dataloader'].dataset
        assert dataset_cfg.data_root == 'data/msrs_seg'
        dataset_cfg.data_root = str(root)
        dataset_cfg.pipeline = PIPELINE
        datasets[split] = DATASETS.build(dataset_cfg)
    assert (len(datasets['train']), len(datasets['val'])) == (3, 1)
    assert gt(datasets['train'], 1) == [8] and gt(datasets['val']) == [4]
    assert datasets['val'].metainfo['classes'][2] == 'person'


def test_msrs_seg_shared_split(shared_data):
    """The real msrs_seg split: 125 train and 31 val pairs, all labelled."""
    root = shared_data / 'msrs_seg'
    if not root.is_dir():
        pytest.skip(f'{root} not found')
    sizes = {}
    for split in ('train', 'val'):
        ds = MSRSDataset(
            data_root=str(root),
            lazy_init=False,
            data_prefix=dict(
                vis_path=f'{split}/vis',
                ir_path=f'{split}/ir',
                seg_map_path=f'{split}/label'))
        assert all('seg_map_path' in info for info in ds.data_list)
        sizes[split] = len(ds)
    assert sizes == {'train': 125, 'val': 31}
