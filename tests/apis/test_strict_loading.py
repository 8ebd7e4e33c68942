"""Inference loads weights strictly: a checkpoint of another variant, number
of classes or model, or one holding NaN/Inf, is refused with the tensors
named, never turned into images from a partly random network."""
import sys

import pytest
import torch
from mmengine.runner import CheckpointLoader
from tool_runs import run_tool

from segfanet_mm.apis import init_fusion_model
from segfanet_mm.utils.checkpoint_checks import (CheckpointMismatchError,
                                                 NonFiniteWeightsError)

S_CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
B_CONFIG = 'configs/segfanet/segfanet-b_1xb4-400i_demo-128x128.py'
FCN_CONFIG = 'configs/baselines/fcn_r18-4ch_1xb4-600i_demo-128x128.py'


@pytest.fixture(scope='module')
def s_weights(tmp_path_factory):
    """SegFANet-S demo weights saved as an mmengine checkpoint."""
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp('ckpt') / 's.pth'
    state = init_fusion_model(S_CONFIG).state_dict()
    torch.save(dict(meta=dict(), state_dict=state), path)
    return path


def test_own_weights_load_strictly(s_weights):
    model = init_fusion_model(S_CONFIG, str(s_weights))
    saved = torch.load(s_weights)['state_dict']
    assert all(torch.equal(v, saved[k]) for k, v in model.state_dict().items())


def test_weights_of_the_other_variant_are_refused(s_weights):
    with pytest.raises(CheckpointMismatchError) as err:
        init_fusion_model(B_CONFIG, str(s_weights))
    message = str(err.value)
    assert str(s_weights) in message and 'of another shape' in message


def test_weights_with_another_number_of_classes_are_refused(s_weights):
    with pytest.raises(
            CheckpointMismatchError,
            match=r'conv_seg.weight \(checkpoint \(3,'):
        init_fusion_model(
            S_CONFIG,
            str(s_weights),
            cfg_options={'model.decode_head.num_classes': 5})


def test_an_unrelated_model_is_refused(tmp_path, s_weights):
    other = init_fusion_model(FCN_CONFIG)
    path = tmp_path / 'fcn.pth'
    torch.save(other.state_dict(), path)
    with pytest.raises(
            CheckpointMismatchError, match=r'missing: .*unexpected: '):
        init_fusion_model(S_CONFIG, str(path))


def test_partial_loading_is_an_explicit_choice(s_weights):
    model = init_fusion_model(
        S_CONFIG,
        str(s_weights),
        strict=False,
        cfg_options={'model.decode_head.num_classes': 5})
    saved = torch.load(s_weights)['state_dict']
    loaded = model.state_dict()
    fits = [k for k, v in loaded.items() if v.shape == saved[k].shape]
    assert len(fits) == len(loaded) - 2  # conv_seg weight and bias
    assert all(torch.equal(loaded[k], saved[k]) for k in fits)


def test_non_finite_weights_are_refused_naming_the_tensor(tmp_path, s_weights):
    state = torch.load(s_weights)['state_dict']
    key = next(k for k, v in state.items() if v.is_floating_point())
    state[key] = state[key].clone()
    state[key].view(-1)[0] = float('nan')
    path = tmp_path / 'nan.pth'
    torch.save(dict(state_dict=state), path)
    with pytest.raises(NonFiniteWeightsError, match=f'{path}.*{key}'):
        init_fusion_model(S_CONFIG, str(path))
    # Every mmengine load (load_from, --resume, tools/test.py) refuses too.
    state[key].view(-1)[0] = float('inf')
    torch.save(state, path)
    with pytest.raises(NonFiniteWeightsError, match=key):
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')


@pytest.mark.slow
def test_test_tool_refuses_a_checkpoint_of_another_config(
        s_weights, demo_root):
    out = run_tool([
        sys.executable, 'tools/test.py', B_CONFIG,
        str(s_weights), '--cfg-options', f'data_root={demo_root}',
        'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=0'
    ])
    assert out.returncode != 0
    assert 'Traceback' not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert str(s_weights) in last and 'does not fit' in last
