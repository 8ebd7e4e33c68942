"""``--cfg-options data_root=DIR`` reaches the train, val and test loaders."""

import pytest
from data_paths import REPO_ROOT

from segfanet_mm.apis import load_config
from segfanet_mm.apis.config_utils import rebind_variable

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


@pytest.mark.parametrize('config', [
    'segfanet-s_1xb4-80k_whu-512x512.py',
    'segfanet-s_1xb4-80k_potsdam-512x512.py'
])
def test_top_level_data_root_reaches_every_dataloader(config, tmp_path):
    cfg = load_config(
        str(REPO_ROOT / 'configs' / 'segfanet' / config),
        dict(data_root=str(tmp_path)))
    assert cfg.data_root == str(tmp_path)
    for loader in LOADERS:
        assert cfg[loader].dataset.data_root == str(tmp_path), loader


def test_nested_override_given_with_it_wins(tmp_path):
    cfg = load_config(
        str(REPO_ROOT / 'configs' / 'segfanet' /
            'segfanet-s_1xb4-80k_whu-512x512.py'), {
                'data_root': str(tmp_path / 'a'),
                'val_dataloader.dataset.data_root': str(tmp_path / 'b')
            })
    assert cfg.train_dataloader.dataset.data_root == str(tmp_path / 'a')
    assert cfg.val_dataloader.dataset.data_root == str(tmp_path / 'b')


def test_only_keys_that_held_the_variable_are_rebound():
    cfg = dict(
        train=dict(
            dataset=dict(
                type='ConcatDataset',
                datasets=[
                    dict(data_root='data/x'),
                    dict(data_root='data/other')
                ])),
        pipeline=(dict(crop_size=(512, 512)), ),
        root_note='data/x')
    rebind_variable(cfg, 'data_root', 'data/x', '/new')
    rebind_variable(cfg, 'crop_size', (512, 512), (64, 64))
    assert [d['data_root'] for d in cfg['train']['dataset']['datasets']] \
        == ['/new', 'data/other']
    assert cfg['pipeline'][0]['crop_size'] == (64, 64)
    assert cfg['root_note'] == 'data/x'  # another key with the same value
