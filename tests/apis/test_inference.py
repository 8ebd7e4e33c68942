"""The Python API: load a model, fuse arrays and paths, tile large images."""
import numpy as np
import pytest
import torch

from segfanet_mm.apis import fuse_pair, init_fusion_model
from segfanet_mm.datasets.transforms import ImageReadError

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'


@pytest.fixture(scope='module')
def model(tmp_path_factory):
    torch.manual_seed(0)
    built = init_fusion_model(CONFIG)
    path = tmp_path_factory.mktemp('ckpt') / 'weights.pth'
    torch.save(built.state_dict(), path)  # a plain state dict loads too
    return init_fusion_model(CONFIG, str(path))


def smooth_pair(h, w):
    yy, xx = np.mgrid[0:h, 0:w]
    ir = (127 + 100 * np.sin(yy / 17.0) * np.cos(xx / 23.0)).astype(np.uint8)
    vis = np.dstack([(127 + 100 * np.cos(xx / 11.0 + c)).astype(np.uint8)
                     for c in range(3)])
    return ir, vis


def test_arrays_of_odd_size(model):
    ir, vis = smooth_pair(333, 517)
    result = fuse_pair(model, ir, vis)
    assert result.fused.shape == (333, 517) and result.fused.dtype == np.uint8
    assert result.fused_rgb.shape == (333, 517, 3)
    assert result.seg.shape == (333, 517) and result.seg.max() < 3
    grey3 = np.dstack([ir] * 3)  # IR stored as 3-channel grey: same result
    assert (fuse_pair(model, grey3, vis).fused == result.fused).all()


def test_tiled_matches_whole_away_from_seams(model):
    ir, vis = smooth_pair(240, 320)
    whole = fuse_pair(model, ir, vis, tile=None).fused.astype(float)
    tiled = fuse_pair(model, ir, vis, tile=160).fused.astype(float)
    diff = np.abs(whole - tiled)
    assert np.median(diff) <= 1.0
    assert diff.mean() < 3.0


def test_mismatched_arrays_are_an_error(model):
    ir, vis = smooth_pair(40, 50)
    with pytest.raises(ImageReadError, match='size mismatch'):
        fuse_pair(model, ir[:-1], vis)
