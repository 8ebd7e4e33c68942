"""Labels never vanish silently: a configured label folder that does not
exist is an error naming it, and one that matches no image is a warning."""
import os
import os.path as osp
import warnings

import pytest

from segfanet_mm.datasets import DatasetLayoutError, IVFDataset

CLASSES = dict(classes=('a', 'b', 'c'))


def infos(dataset):
    return [dataset.get_data_info(i) for i in range(len(dataset))]


def test_configured_label_folder_that_does_not_exist_is_named(pair_folder):
    prefix = dict(vis_path='vis', ir_path='ir', seg_map_path='labels')
    with pytest.raises(DatasetLayoutError) as err:
        IVFDataset(data_root=pair_folder, data_prefix=prefix, metainfo=CLASSES)
    assert osp.join(pair_folder, 'labels') in str(err.value)
    assert 'data_prefix.seg_map_path' in str(err.value)


def test_label_folder_matching_no_image_warns(pair_folder):
    for name in os.listdir(osp.join(pair_folder, 'ann')):
        os.rename(
            osp.join(pair_folder, 'ann', name),
            osp.join(pair_folder, 'ann', 'other_' + name))
    prefix = dict(vis_path='vis', ir_path='ir', seg_map_path='ann')
    with pytest.warns(UserWarning, match='matches none of the 3 images'):
        ds = IVFDataset(
            data_root=pair_folder,
            data_prefix=prefix,
            metainfo=CLASSES,
            allow_missing_labels=True)
    assert len(ds) == 3
    assert not any('seg_map_path' in info for info in infos(ds))


def test_labelled_and_default_label_free_sets_build_quietly(
        tmp_path, pair_folder, make_pair_folder):
    with warnings.catch_warnings():
        warnings.simplefilter('error', UserWarning)
        labelled = IVFDataset(data_root=pair_folder, metainfo=CLASSES)
        root = make_pair_folder(str(tmp_path / 'free'), ['x'], with_ann=False)
        free = IVFDataset(data_root=root, metainfo=CLASSES)
    assert all('seg_map_path' in info for info in infos(labelled))
    assert 'seg_map_path' not in infos(free)[0]
