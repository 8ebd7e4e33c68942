"""The released SegFANet-S weights (checkpoints/segfanet_s_real.pth) load
with their config and fuse: docs/results.md."""

import numpy as np
import pytest
import torch
from data_paths import REPO_ROOT

from segfanet_mm.apis import fuse_pair, fuse_pair_classical, init_fusion_model

CONFIG = (
    REPO_ROOT / 'configs' / 'segfanet' /
    'segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py')
WEIGHTS = REPO_ROOT / 'checkpoints' / 'segfanet_s_real.pth'


@pytest.fixture(scope='module')
def model():
    return init_fusion_model(CONFIG, str(WEIGHTS))


def test_weights_are_small_plain_and_complete(model):
    assert WEIGHTS.stat().st_size <= 2 * 2**20
    state = torch.load(WEIGHTS, map_location='cpu', weights_only=True)
    assert set(state) == set(model.state_dict())
    assert model.dataset_meta['classes'] == ('unlabelled', 'person')


def test_night_target_and_day_texture_survive(model):
    """A warm target on a dark visible background stays bright, and visible
    texture where IR is flat stays visible (a plain average halves both)."""
    h, w = 96, 128
    yy, xx = np.mgrid[:h, :w]
    ir = np.full((h, w), 40, np.uint8)
    ir[30:70, 50:70] = 230  # warm person-sized target
    stripes = (((xx // 4) % 2) * 120 + 60).astype(np.uint8)
    vis = np.dstack([np.where(xx < 40, stripes, 20)] * 3).astype(np.uint8)
    fused = fuse_pair(model, ir, vis).fused.astype(float)
    mean = fuse_pair_classical(ir, vis, 'mean').fused.astype(float)
    target = fused[35:65, 53:67].mean() - fused[35:65, 80:120].mean()
    assert target > 0.8 * (230 - 40)
    texture = np.abs(np.diff(fused[:, 4:36], axis=1)).mean()
    assert texture > 1.5 * np.abs(np.diff(mean[:, 4:36], axis=1)).mean()
