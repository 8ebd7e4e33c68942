"""configs/segfanet/metafile.yaml: every released model's config, weights
and numbers in mmseg's metafile format, and the weights fit the config."""

import pytest
import torch
import yaml
from data_paths import REPO_ROOT
from mmengine.config import Config
from mmseg.registry import MODELS

METAFILE = REPO_ROOT / 'configs' / 'segfanet' / 'metafile.yaml'
MODELS_ = yaml.safe_load(METAFILE.read_text())['Models']


def test_metafile_names_are_unique_and_in_the_collection():
    meta = yaml.safe_load(METAFILE.read_text())
    names = [m['Name'] for m in MODELS_]
    assert len(names) == len(set(names)) >= 2
    collections = {c['Name'] for c in meta['Collections']}
    assert all(m['In Collection'] in collections for m in MODELS_)


@pytest.mark.parametrize('entry', MODELS_, ids=[m['Name'] for m in MODELS_])
def test_released_weights_fit_their_config(entry):
    config, weights = REPO_ROOT / entry['Config'], REPO_ROOT / entry['Weights']
    assert config.is_file() and weights.is_file()
    assert weights.stat().st_size <= 2 * 2**20
    state = torch.load(weights, map_location='cpu', weights_only=True)
    model = MODELS.build(Config.fromfile(str(config)).model)
    expected = model.state_dict()
    assert set(state) == set(expected)
    assert all(state[k].shape == expected[k].shape for k in state)
    assert all(
        torch.isfinite(v).all() for v in state.values()
        if v.is_floating_point())
    for result in entry['Results']:
        assert result['Dataset'] and result['Metrics']
        assert all(
            isinstance(v, (int, float)) for v in result['Metrics'].values())


MSRS_MODELS = [m for m in MODELS_ if '_msrs-' in m['Config']]


@pytest.mark.parametrize(
    'entry', MSRS_MODELS, ids=[m['Name'] for m in MSRS_MODELS])
def test_msrs_weights_keep_a_night_pedestrian(shared_data, entry):
    """On a held-out MSRS night pair the released MSRS weights keep the
    warm pedestrians' contrast (the dark visible image hides them; the mean
    rule halves it) and label part of them ``person``."""
    from segfanet_mm.apis import fuse_pair, init_fusion_model
    from segfanet_mm.datasets.transforms import load_infrared, load_label_map
    val = shared_data / 'msrs_seg' / 'val'
    if not val.is_dir():
        pytest.skip(f'{val} not found')
    model = init_fusion_model(REPO_ROOT / entry['Config'],
                              str(REPO_ROOT / entry['Weights']))
    assert model.dataset_meta['classes'][2] == 'person'
    stem = '00717N'
    result = fuse_pair(model, val / 'ir' / f'{stem}.png',
                       val / 'vis' / f'{stem}.png')
    person = load_label_map(str(val / 'label' / f'{stem}.png')) == 2
    ir = load_infrared(str(val / 'ir' / f'{stem}.png')).astype(float)
    fused = result.fused.astype(float)
    contrast = fused[person].mean() - fused[~person].mean()
    assert contrast > 0.8 * (ir[person].mean() - ir[~person].mean())
    hit = (result.seg == 2) & person
    assert hit.sum() > 0.3 * person.sum()
