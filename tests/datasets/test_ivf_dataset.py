"""IVFDataset: pairing by stem, labels optional, clear layout errors."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from segfanet_mm.datasets import DatasetLayoutError, DemoIVFDataset, IVFDataset
from segfanet_mm.datasets.transforms import ImageReadError

PIPELINE = [
    dict(type='LoadIRVisPair'),
    dict(type='LoadIVFAnnotations'),
    dict(type='PackIVFInputs')
]


def build(root, **kwargs):
    prefix = dict(vis_path='vis', ir_path='ir', seg_map_path='ann')
    prefix.update(kwargs.pop('data_prefix', {}))
    return IVFDataset(
        data_root=root,
        data_prefix=prefix,
        pipeline=PIPELINE,
        metainfo=dict(classes=('a', 'b', 'c')),
        **kwargs)


def test_pairs_by_stem_and_packs_four_channels(pair_folder):
    ds = build(pair_folder)
    assert len(ds) == 3
    sample = ds[0]
    assert sample['inputs'].shape == (4, 40, 56)
    meta = sample['data_samples'].metainfo
    assert meta['vis_path'].endswith(osp.join('vis', 'a.png'))
    assert meta['ir_path'].endswith(osp.join('ir', 'a.png'))
    assert sample['data_samples'].gt_sem_seg.data.shape == (1, 40, 56)
    vis = cv2.imread(meta['vis_path'])[..., ::-1]
    ir = cv2.imread(meta['ir_path'], cv2.IMREAD_GRAYSCALE)
    assert (sample['inputs'][:3].permute(1, 2, 0).numpy() == vis).all()
    assert (sample['inputs'][3].numpy() == ir).all()


def test_label_free_dataset_has_no_gt(tmp_path, make_pair_folder):
    root = make_pair_folder(
        str(tmp_path / 'nolab'), ['x', 'y'], with_ann=False)
    # Default data_prefix: ann/ is used when present (see test_label_checks).
    ds = IVFDataset(
        data_root=root,
        pipeline=PIPELINE,
        metainfo=dict(classes=('a', 'b', 'c')))
    assert 'gt_sem_seg' not in ds[1]['data_samples']


def test_non_image_files_are_ignored(pair_folder):
    open(osp.join(pair_folder, 'vis', 'notes.txt'), 'w').write('hello')
    open(osp.join(pair_folder, 'ir', 'Thumbs.db'), 'w').write('x')
    assert len(build(pair_folder)) == 3


def test_missing_partner_is_listed(pair_folder):
    os.remove(osp.join(pair_folder, 'ir', 'b.png'))
    with pytest.raises(DatasetLayoutError, match='b: no infrared image'):
        build(pair_folder)


def test_missing_label_error_and_opt_in(pair_folder):
    os.remove(osp.join(pair_folder, 'ann', 'c.png'))
    with pytest.raises(DatasetLayoutError, match='c.png: label missing'):
        build(pair_folder)
    ds = build(pair_folder, allow_missing_labels=True)
    assert 'gt_sem_seg' in ds[0]['data_samples']
    assert 'gt_sem_seg' not in ds[2]['data_samples']


def test_split_file_selects_and_empty_split_is_an_error(pair_folder):
    split = osp.join(pair_folder, 'split.txt')
    open(split, 'w').write('c\n# comment\na.png\n')
    ds = build(pair_folder, ann_file='split.txt')
    assert [
        osp.basename(d['vis_path'])
        for d in map(ds.get_data_info, range(len(ds)))
    ] == ['c.png', 'a.png']
    open(split, 'w').write('\n\n')
    with pytest.raises(DatasetLayoutError, match='lists no samples'):
        build(pair_folder, ann_file='split.txt')


def test_size_mismatch_names_both_files(pair_folder):
    cv2.imwrite(
        osp.join(pair_folder, 'ir', 'a.png'), np.zeros((41, 56), np.uint8))
    with pytest.raises(ImageReadError) as err:
        build(pair_folder)[0]
    assert 'ir/a.png' in str(err.value) and 'vis/a.png' in str(err.value)


def test_label_out_of_range_is_named(pair_folder):
    bad = np.zeros((40, 56), np.uint8)
    bad[3, 4] = 7
    cv2.imwrite(osp.join(pair_folder, 'ann', 'b.png'), bad)
    with pytest.raises(ImageReadError, match=r'b.png: label values \[7\]'):
        build(pair_folder)[1]
    bad[3, 4] = 255  # ignore is fine
    cv2.imwrite(osp.join(pair_folder, 'ann', 'b.png'), bad)
    assert build(pair_folder)[1]['data_samples'].gt_sem_seg.data.max() == 255


def test_demo_dataset_is_generated_and_deterministic(tmp_path):
    from segfanet_mm.datasets import make_scene
    a, b = make_scene(0, 5), make_scene(0, 5)
    assert all((a[k] == b[k]).all() for k in ('vis', 'ir', 'ann'))
    ds = DemoIVFDataset(
        data_root=str(tmp_path / 'demo'),
        data_prefix=dict(
            vis_path='vis/val', ir_path='ir/val', seg_map_path='ann/val'),
        pipeline=PIPELINE)
    assert len(ds) == 16
    assert ds.metainfo['classes'] == ('background', 'person', 'vehicle')
    labels = ds[0]['data_samples'].gt_sem_seg.data
    assert set(labels.unique().tolist()) <= {0, 1, 2}


def test_demo_scenes_make_targets_warm_and_night_dark():
    from segfanet_mm.datasets import make_scene
    for index in range(6):
        scene = make_scene(0, index)
        target = scene['ann'] > 0
        ir = scene['ir'].astype(float)
        assert ir[target].mean() > ir[~target].mean() + 80
        vis_mean = scene['vis'].mean()
        assert (vis_mean < 40) if scene['night'] else (vis_mean > 60)


def test_config_classes_name_stored_labels_in_subclasses_too(pair_folder):
    """The generic rule (no remapping, a palette made up when none fits)
    follows the class attribute, not the class identity: a user's subclass
    behaves like IVFDataset; data sets with fixed classes remap as mmseg."""

    class MyPairs(IVFDataset):
        pass

    classes = ('c', 'a')  # a subset, in another order
    for cls in (IVFDataset, MyPairs):
        assert cls.get_label_map(classes) is None
        ds = cls(
            data_root=pair_folder,
            pipeline=PIPELINE,
            metainfo=dict(classes=classes))
        assert len(ds.metainfo['palette']) == 2
    assert DemoIVFDataset.get_label_map(('background', 'person')) is not None
