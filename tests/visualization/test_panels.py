"""Panels and comparison pictures (segfanet_mm.visualization and
tools/analysis_tools/compare_fusion.py)."""
import cv2
import numpy as np
import pytest
from tool_runs import call_tool

from segfanet_mm.visualization import make_comparison, make_panel


def test_make_panel_tiles_and_heights():
    ir = np.full((30, 40), 200, np.uint8)
    vis = np.zeros((30, 40, 3), np.uint8)
    seg = np.zeros((30, 40), np.uint8)
    panel = make_panel(ir, vis, vis, seg, seg, palette=[[0, 0, 0]], height=60)
    assert panel.shape == (60, 5 * 80, 3)
    assert panel[40:, 10:70].mean() > 150  # the IR tile, rescaled


def test_make_comparison_columns_in_order():
    ir = np.zeros((20, 30), np.uint8)
    vis = np.zeros((20, 30, 3), np.uint8)
    a = np.full((20, 30, 3), 255, np.uint8)
    b = np.full((20, 30, 3), 100, np.uint8)
    row = make_comparison(ir, vis, {'a': a, 'b': b}, height=40)
    assert row.shape == (40, 4 * 60, 3)
    assert row[30:, 120:180].mean() > 240  # 'a' is the third tile
    assert abs(row[30:, 180:].mean() - 100) < 5


@pytest.mark.slow
def test_compare_fusion_cli(tmp_path):
    for name in ('ir', 'vis', 'm1'):
        (tmp_path / name).mkdir()
    for stem, size in (('p', (24, 32)), ('q', (40, 20))):
        cv2.imwrite(
            str(tmp_path / 'ir' / f'{stem}.png'), np.full(size, 50, np.uint8))
        for name in ('vis', 'm1'):
            cv2.imwrite(
                str(tmp_path / name / f'{stem}.jpg'),
                np.full((*size, 3), 90, np.uint8))
    cmd = [
        'tools/analysis_tools/compare_fusion.py', '--ir',
        str(tmp_path / 'ir'), '--vis',
        str(tmp_path / 'vis'), '--method', f'one={tmp_path / "m1"}',
        '--height', '48', '--out',
        str(tmp_path / 'cmp.png'), '--stems', 'p', 'q'
    ]
    run = call_tool(*cmd)
    assert run.returncode == 0, run.stderr[-2000:]
    picture = cv2.imread(str(tmp_path / 'cmp.png'))
    # rows of 3 tiles: p is 64 wide at height 48, q is 24 wide
    assert picture.shape == (96, 3 * 64, 3)
    run = call_tool(*cmd[:-1], 'missing')
    assert run.returncode != 0
    assert "no image 'missing'" in run.stderr and 'infrared' in run.stderr


@pytest.mark.slow
def test_compare_fusion_cli_colours_segmentation_and_labels(tmp_path):
    """--seg and --gt add class maps coloured with the dataset's palette
    (MSRS: person = (64, 64, 0) RGB)."""
    for name in ('ir', 'vis', 'seg', 'gt'):
        (tmp_path / name).mkdir()
    cv2.imwrite(str(tmp_path / 'ir' / '01N.png'), np.zeros((16, 16), np.uint8))
    cv2.imwrite(
        str(tmp_path / 'vis' / '01N.png'), np.zeros((16, 16, 3), np.uint8))
    cv2.imwrite(
        str(tmp_path / 'seg' / '01N.png'), np.full((16, 16), 2, np.uint8))
    cv2.imwrite(str(tmp_path / 'gt' / '01N.png'), np.zeros((16, 16), np.uint8))
    cmd = [
        'tools/analysis_tools/compare_fusion.py', '--ir',
        str(tmp_path / 'ir'), '--vis',
        str(tmp_path / 'vis'), '--seg', f'pred={tmp_path / "seg"}', '--gt',
        str(tmp_path / 'gt'), '--dataset', 'MSRSDataset', '--out',
        str(tmp_path / 'cmp.png'), '--stems', '01N', '--height', '32'
    ]
    run = call_tool(*cmd)
    assert run.returncode == 0, run.stderr[-2000:]
    picture = cv2.imread(str(tmp_path / 'cmp.png'))
    assert picture.shape == (32, 4 * 32, 3)
    assert picture[-1, 64:96].tolist() == [[0, 64, 64]] * 32  # BGR person
    assert picture[-1, 96:].max() == 0  # ground truth: unlabelled, black
    cv2.imwrite(
        str(tmp_path / 'seg' / '01N.png'), np.full((16, 16), 9, np.uint8))
    run = call_tool(*cmd)
    assert run.returncode != 0 and 'out of range' in run.stderr
