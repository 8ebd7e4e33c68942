"""tools/fuse.py, the visualization hook and analyze_logs on a real (short)
SegFANet training run."""
import os
import sys

import cv2
import numpy as np
import pytest
from tool_runs import call_tool, run_tool

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
FAST = [
    'train_cfg.max_iters=4', 'train_cfg.val_interval=4',
    'default_hooks.checkpoint.interval=4', 'default_hooks.logger.interval=1',
    'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=0',
    'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=0'
]


def run(*args, check=True):
    """Run the tool ``args[0]`` in this process; check its exit status."""
    out = call_tool(*args)
    if check:
        assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    return out


@pytest.fixture(scope='module')
def segfanet_run(tmp_path_factory, demo_root):
    work = tmp_path_factory.mktemp('segfanet')
    out = run_tool([
        sys.executable, 'tools/train.py', CONFIG, '--work-dir',
        str(work), '--cfg-options', f'data_root={demo_root}', *FAST
    ])
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-3000:]
    return work


def write_pairs(folder, sizes, ir_three_channel=False):
    rng = np.random.default_rng(0)
    for name in ('ir', 'vis'):
        os.makedirs(folder / name, exist_ok=True)
    for i, (h, w) in enumerate(sizes):
        vis = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        vis = cv2.GaussianBlur(vis, (5, 5), 2)
        ir = rng.integers(0, 256, (h, w), dtype=np.uint8)
        if ir_three_channel:
            ir = np.dstack([ir] * 3)
        cv2.imwrite(str(folder / 'vis' / f'p{i}.png'), vis)
        cv2.imwrite(str(folder / 'ir' / f'p{i}.jpg'), ir)


def check_outputs(out_dir, vis_dir, stems):
    for stem in stems:
        vis = cv2.imread(str(next(vis_dir.glob(stem + '.*'))))
        fused = cv2.imread(
            str(out_dir / 'fused' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        rgb = cv2.imread(str(out_dir / 'fused_rgb' / f'{stem}.png'))
        assert fused.shape == vis.shape[:2] and rgb.shape == vis.shape
        # Colour = fused luminance + the visible image's chrominance.
        inside = (rgb.min(axis=2) > 2) & (rgb.max(axis=2) < 253)

        def cr_cb(img):
            return cv2.cvtColor(img, cv2.COLOR_BGR2YCrCb)[..., 1:]

        diff = np.abs(cr_cb(rgb).astype(int) - cr_cb(vis).astype(int))
        assert inside.mean() > 0.5 and diff[inside].max() <= 2
        y = cv2.cvtColor(rgb, cv2.COLOR_BGR2YCrCb)[..., 0].astype(int)
        assert np.abs(y - fused)[inside].max() <= 2


@pytest.mark.slow
def test_fuse_folder_of_odd_sizes(segfanet_run, tmp_path):
    write_pairs(
        tmp_path, [(459, 630), (280, 280), (97, 131)], ir_three_channel=True)
    (tmp_path / 'ir' / 'lonely.png').write_bytes(
        (tmp_path / 'ir' / 'p0.jpg').read_bytes())
    out = run('tools/fuse.py',
              CONFIG, str(segfanet_run / 'iter_4.pth'), '--ir',
              str(tmp_path / 'ir'), '--vis', str(tmp_path / 'vis'), '--out',
              str(tmp_path / 'out'), '--seg', '--tile', '256')
    assert 'lonely.png: no visible partner' in out.stderr
    assert 'fused 3 pair(s)' in out.stdout
    check_outputs(tmp_path / 'out', tmp_path / 'vis', ['p0', 'p1', 'p2'])
    seg = cv2.imread(
        str(tmp_path / 'out' / 'seg' / 'p1.png'), cv2.IMREAD_UNCHANGED)
    assert seg.shape == (280, 280) and seg.max() < 3


@pytest.mark.slow
def test_fuse_errors_name_the_files(segfanet_run, tmp_path):
    write_pairs(tmp_path, [(64, 80)])
    cv2.imwrite(str(tmp_path / 'ir' / 'p0.jpg'), np.zeros((60, 80), np.uint8))
    out = run(
        'tools/fuse.py',
        CONFIG,
        str(segfanet_run / 'iter_4.pth'),
        '--ir',
        str(tmp_path / 'ir' / 'p0.jpg'),
        '--vis',
        str(tmp_path / 'vis' / 'p0.png'),
        '--out',
        str(tmp_path / 'out'),
        check=False)
    assert out.returncode != 0
    assert 'size mismatch' in out.stderr and 'p0.jpg' in out.stderr
    assert not (tmp_path / 'out' / 'fused' / 'p0.png').exists()
    out = run(
        'tools/fuse.py',
        CONFIG,
        str(segfanet_run / 'iter_4.pth'),
        '--ir',
        str(tmp_path / 'nothing'),
        '--vis',
        str(tmp_path / 'vis'),
        '--out',
        str(tmp_path / 'o'),
        check=False)
    assert out.returncode != 0 and 'does not exist' in out.stderr


@pytest.mark.slow
def test_fuse_ir_range_fixes_a_sequence(tmp_path):
    """--ir-range maps the same counts to the same grey in every frame
    (issue 19, item 3); without it each frame is stretched on its own."""
    import tifffile

    from segfanet_mm.apis import fuse_pair_classical
    (tmp_path / 'ir').mkdir()
    (tmp_path / 'vis').mkdir()
    rng = np.random.default_rng(0)
    base = 1000 + rng.integers(0, 200, (48, 64)).astype(np.uint16)
    for i, offset in enumerate((0, 400)):  # the scene warms up by 400
        tifffile.imwrite(str(tmp_path / 'ir' / f'f{i}.tif'), base + offset)
        cv2.imwrite(
            str(tmp_path / 'vis' / f'f{i}.png'), np.zeros((48, 64, 3),
                                                          np.uint8))
    for extra, out in (([], 'auto'), (['--ir-range', '900', '1700'], 'fixed')):
        run('tools/fuse.py', '--rule', 'max', '--ir',
            str(tmp_path / 'ir'), '--vis', str(tmp_path / 'vis'), '--out',
            str(tmp_path / out), *extra)
    read = lambda out, i: cv2.imread(  # noqa: E731
        str(tmp_path / out / 'fused' / f'f{i}.png'), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(read('auto', 0), read('auto', 1))  # range lost
    assert read('fixed', 1).mean() > read('fixed', 0).mean() + 100
    expected = fuse_pair_classical(
        str(tmp_path / 'ir' / 'f1.tif'),
        str(tmp_path / 'vis' / 'f1.png'),
        'max',
        ir_range=(900, 1700)).fused
    assert np.array_equal(read('fixed', 1), expected)


@pytest.mark.slow
def test_fuse_vifb21(segfanet_run, shared_data, tmp_path):
    vifb = shared_data / 'vifb21'
    if not vifb.is_dir():
        pytest.skip('vifb21 not available')
    run('tools/fuse.py', CONFIG, str(segfanet_run / 'iter_4.pth'), '--ir',
        str(vifb / 'ir'), '--vis', str(vifb / 'vis'), '--out',
        str(tmp_path / 'out'))
    stems = sorted(
        p.stem for p in (vifb / 'vis').iterdir()
        if p.suffix.lower() in ('.jpg', '.png'))
    assert len(stems) == 21
    check_outputs(tmp_path / 'out', vifb / 'vis', stems[:5])


@pytest.mark.slow
def test_visualization_hook_writes_panels(segfanet_run):
    panels = sorted(segfanet_run.glob('*/vis_data/vis_image/val_*.png'))
    assert len(panels) >= 4  # 16 val images, every 4th batch
    panel = cv2.imread(str(panels[0]))
    assert panel.shape == (144, 5 * 192, 3)  # IR|vis|fused|pred|GT


@pytest.mark.slow
def test_analyze_logs_plots_each_loss_term(segfanet_run, tmp_path):
    out = run('tools/analysis_tools/analyze_logs.py', str(segfanet_run),
              '--out', str(tmp_path / 'c.png'))
    assert 'curves' in out.stdout
    image = cv2.imread(str(tmp_path / 'c.png'))
    assert image is not None and image.shape[0] > 300
    from tools.analysis_tools.analyze_logs import find_scalar_logs, read_curves
    curves = read_curves(find_scalar_logs(str(segfanet_run)))
    for key in ('loss_fus_int', 'loss_fus_grad', 'loss_fus_ssim',
                'decode.loss_ce', 'loss_align', 'mIoU'):
        assert key in curves, sorted(curves)
    assert [it for it, _ in curves['loss_fus_int']] == [1, 2, 3, 4]
