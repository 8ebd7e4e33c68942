"""Classical pixel-wise baselines (mean, max) through the API and
tools/fuse.py --rule."""

import cv2
import numpy as np
import pytest
import torch
from tool_runs import call_tool

from segfanet_mm.apis import fuse_pair_classical
from segfanet_mm.utils.colour import luminance


def random_pair(h=37, w=53, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (h, w), dtype=np.uint8),
            rng.integers(0, 256, (h, w, 3), dtype=np.uint8))


@pytest.mark.parametrize('rule,expect', [
    ('mean', lambda a, b: (a + b) / 2),
    ('max', np.maximum),
])
def test_rule_on_luminance_with_visible_colour(rule, expect):
    ir, vis = random_pair()
    result = fuse_pair_classical(ir, vis, rule)
    vis_y = luminance(
        torch.from_numpy(vis).permute(2, 0, 1)[None].float() / 255)
    vis_y = vis_y[0, 0].numpy() * 255
    want = expect(ir.astype(np.float64), vis_y)
    assert result.seg is None
    assert result.fused.shape == ir.shape and result.fused.dtype == np.uint8
    assert np.abs(result.fused - want).max() <= 0.5 + 1e-3
    # The colour image carries the fused luminance and the visible Cb/Cr.
    ycrcb = cv2.cvtColor(result.fused_rgb, cv2.COLOR_RGB2YCrCb).astype(int)
    vis_crcb = cv2.cvtColor(vis, cv2.COLOR_RGB2YCrCb)[..., 1:].astype(int)
    inside = (result.fused_rgb.min(2) > 2) & (result.fused_rgb.max(2) < 253)
    assert inside.mean() > 0.3
    assert np.abs(ycrcb[..., 0] - result.fused)[inside].max() <= 2
    assert np.abs(ycrcb[..., 1:] - vis_crcb)[inside].max() <= 2


@pytest.mark.slow
def test_fuse_cli_rule(tmp_path):
    for name in ('ir', 'vis'):
        (tmp_path / name).mkdir()
    ir, vis = random_pair(40, 60, seed=1)
    cv2.imwrite(str(tmp_path / 'ir' / 'a.png'), ir)
    cv2.imwrite(str(tmp_path / 'vis' / 'a.png'), vis[..., ::-1])
    out = call_tool('tools/fuse.py', '--rule', 'max', '--ir',
                    str(tmp_path / 'ir'), '--vis', str(tmp_path / 'vis'),
                    '--out', str(tmp_path / 'out'))
    assert out.returncode == 0, out.stderr[-2000:]
    fused = cv2.imread(
        str(tmp_path / 'out' / 'fused' / 'a.png'), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(fused, fuse_pair_classical(ir, vis, 'max').fused)
    assert (tmp_path / 'out' / 'fused_rgb' / 'a.png').is_file()
    both = call_tool('tools/fuse.py', 'cfg.py', '--rule', 'max', '--ir', 'a',
                     '--vis', 'b', '--out', 'c')
    assert both.returncode == 2 and 'or --rule' in both.stderr
