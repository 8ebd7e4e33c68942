"""configs/segfanet/metafile.yaml: every released model's config, weights
and numbers in mmseg's metafile format, and the weights fit the config."""
from pathlib import Path

import pytest
import torch
import yaml
from mmengine.config import Config
from mmseg.registry import MODELS

REPO = Path(__file__).resolve().parents[2]
METAFILE = REPO / 'configs' / 'segfanet' / 'metafile.yaml'
MODELS_ = yaml.safe_load(METAFILE.read_text())['Models']


def test_metafile_names_are_unique_and_in_the_collection():
    meta = yaml.safe_load(METAFILE.read_text())
    names = [m['Name'] for m in MODELS_]
    assert len(names) == len(set(names)) >= 2
    collections = {c['Name'] for c in meta['Collections']}
    assert all(m['In Collection'] in collections for m in MODELS_)


@pytest.mark.parametrize('entry', MODELS_, ids=[m['Name'] for m in MODELS_])
def test_released_weights_fit_their_config(entry):
    config, weights = REPO / entry['Config'], REPO / entry['Weights']
    assert config.is_file() and weights.is_file()
    assert weights.stat().st_size <= 2 * 2**20
    state = torch.load(weights, map_location='cpu', weights_only=True)
    model = MODELS.build(Config.fromfile(str(config)).model)
    expected = model.state_dict()
    assert set(state) == set(expected)
    assert all(state[k].shape == expected[k].shape for k in state)
    assert all(torch.isfinite(v).all() for v in state.values()
               if v.is_floating_point())
    for result in entry['Results']:
        assert result['Dataset'] and result['Metrics']
        assert all(isinstance(v, (int, float))
                   for v in result['Metrics'].values())
