"""Configs that cannot train fail before the first iteration, naming the
config key or file (PreflightCheckHook, registered in default_runtime.py)."""
import cv2
import numpy as np
import pytest

from segfanet_mm.apis import build_runner, load_config
from segfanet_mm.engine.hooks import PreflightError

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
FAST = {
    f'{split}_dataloader.{key}': 0
    for split in ('train', 'val')
    for key in ('num_workers', 'persistent_workers')
}
FAST['train_cfg.max_iters'] = 2  # bounds a run the checks fail to stop


def runner_for(tmp_path, demo_root, options):
    cfg = load_config(CONFIG, dict(FAST, data_root=demo_root, **options),
                      str(tmp_path / 'work'))
    return build_runner(cfg)


def assert_stops_before_training(runner, match):
    with pytest.raises(PreflightError, match=match):
        runner.train()
    assert runner.iter == 0


@pytest.mark.slow
def test_num_classes_disagreeing_with_the_dataset(tmp_path, demo_root):
    runner = runner_for(tmp_path, demo_root,
                        {'model.decode_head.num_classes': 2})
    assert_stops_before_training(
        runner, r'model.decode_head.num_classes=2 but train_dataloader.'
        r'dataset \(DemoIVFDataset\) has 3 classes')


def test_typo_in_a_hook_key(tmp_path, demo_root):
    runner = runner_for(tmp_path, demo_root,
                        {'default_hooks.checkpoint.intervl': 5})
    assert_stops_before_training(
        runner, r'default_hooks.checkpoint: unknown key\(s\) intervl .*'
        r'interval')


def test_out_of_range_validation_label_is_named(tmp_path, demo_root,
                                                make_pair_folder):
    val = make_pair_folder(
        str(tmp_path / 'val'), ['a', 'b'], size=(32, 32), num_classes=3)
    bad = np.zeros((32, 32), np.uint8)
    bad[5, 5] = 7
    cv2.imwrite(str(tmp_path / 'val' / 'ann' / 'b.png'), bad)
    runner = runner_for(
        tmp_path, demo_root, {
            'val_dataloader.dataset.type':
            'IVFDataset',
            'val_dataloader.dataset.metainfo':
            dict(classes=('a', 'b', 'c')),
            'val_dataloader.dataset.data_root':
            val,
            'val_dataloader.dataset.data_prefix':
            dict(vis_path='vis', ir_path='ir', seg_map_path='ann')
        })
    assert_stops_before_training(
        runner, r'val_dataloader: .*val/ann/b.png: label values \[7\]')


@pytest.mark.slow
def test_a_sound_config_trains(tmp_path, demo_root):
    runner = runner_for(tmp_path, demo_root, {'train_cfg.val_interval': 10})
    runner.train()
    assert runner.iter == 2
