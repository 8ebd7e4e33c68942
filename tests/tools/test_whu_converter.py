"""tools/dataset_converters/whu_opt_sar.py on generated WHU-OPT-SAR scenes."""
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
import tifffile

from segfanet_mm.datasets.converters import ConversionError, tiling
from tools.dataset_converters import whu_opt_sar

REPO = Path(__file__).resolve().parents[2]
# Names chosen so the hash split sends one scene to each split.
SCENES = dict(NH49E001013='train', NH51E003011='val', NH49E002014='test')
H, W, TILE = 40, 56, 16  # origins y 0, 16, 24 and x 0, 16, 32, 40
TILES_PER_SCENE = 3 * 4


def write_scene(src, name, shape=(H, W), bands=4, label_value=30,
                label_shape=None, dtype=np.uint8, planar=False):
    """Bands hold the constants 10, 20, 30, 40 (R, G, B, NIR), interleaved
    or band-sequential (``planar``); the label is 0 except a block of
    ``label_value`` at rows 16..31, columns 32..47."""
    img = np.stack([np.full(shape, 10 * (i + 1), dtype)
                    for i in range(bands)], -1)
    label = np.zeros(label_shape or shape, np.uint8)
    label[16:32, 32:48] = label_value
    for sub in ('optical', 'lbl'):
        os.makedirs(src / sub, exist_ok=True)
    if planar:
        tifffile.imwrite(src / 'optical' / f'{name}.tif',
                         img.transpose(2, 0, 1), planarconfig='separate',
                         photometric='minisblack')
    else:
        tifffile.imwrite(src / 'optical' / f'{name}.tif', img)
    tifffile.imwrite(src / 'lbl' / f'{name}.tif', label)


@pytest.fixture
def src(tmp_path):
    root = tmp_path / 'WHU-OPT-SAR'
    for name in SCENES:
        write_scene(root, name)
    return root


def convert(src, out, *extra):
    return whu_opt_sar.main([str(src), '--out', str(out), '--tile-size',
                             str(TILE), *extra])


def tile_files(out):
    return sorted(
        str(p.relative_to(out)) for p in out.rglob('*.png'))


def test_tiles_bands_labels_and_split(src, tmp_path):
    out = tmp_path / 'whu'
    stats = convert(src, out)
    assert stats == dict(scenes=3, converted=3, written=3 * 3 * 12, kept=0)
    for name, split in SCENES.items():
        for key in ('vis', 'ir', 'ann'):
            tiles = sorted((out / key / split).glob(f'{name}_*.png'))
            assert len(tiles) == TILES_PER_SCENE
    assert (out / 'vis/train/NH49E001013_24_40.png').is_file()  # edge tile
    vis = cv2.imread(str(out / 'vis/val/NH51E003011_0_0.png'))[..., ::-1]
    ir = cv2.imread(str(out / 'ir/val/NH51E003011_0_0.png'),
                    cv2.IMREAD_UNCHANGED)
    assert vis.shape == (TILE, TILE, 3) and ir.shape == (TILE, TILE)
    assert (vis == [10, 20, 30]).all() and (ir == 40).all()
    ann = cv2.imread(str(out / 'ann/test/NH49E002014_16_32.png'),
                     cv2.IMREAD_UNCHANGED)
    assert (ann == 3).all()  # value 30 = village = class index 3
    ann = cv2.imread(str(out / 'ann/test/NH49E002014_0_0.png'),
                     cv2.IMREAD_UNCHANGED)
    assert (ann == 0).all()  # background kept as class 0


def test_band_order_option_and_planar_uint16_stretch(tmp_path):
    src = tmp_path / 'src'
    write_scene(src, 'NH49E001013', dtype=np.uint16, planar=True)
    out = tmp_path / 'whu'
    convert(src, out, '--bands', '2', '1', '0', '3')
    vis = cv2.imread(str(out / 'vis/train/NH49E001013_0_0.png'))[..., ::-1]
    ir = cv2.imread(str(out / 'ir/train/NH49E001013_0_0.png'),
                    cv2.IMREAD_UNCHANGED)
    # RGB stretched jointly (30 -> 255, 10 -> 0): colour order follows
    # --bands; NIR alone is constant and maps to 0.
    assert vis.dtype == np.uint8 and (vis == [255, 128, 0]).all()
    assert (ir == 0).all()


def test_rerun_repairs_interrupted_output(src, tmp_path, monkeypatch,
                                          capsys):
    out = tmp_path / 'whu'
    real_write, calls = tiling.atomic_imwrite, []

    def crash_on_50th(path, image):
        calls.append(path)
        if len(calls) == 50:
            raise KeyboardInterrupt  # simulated kill in the second scene
        real_write(path, image)

    monkeypatch.setattr(tiling, 'atomic_imwrite', crash_on_50th)
    with pytest.raises(KeyboardInterrupt):
        convert(src, out)
    monkeypatch.undo()
    assert len(list((out / '.manifests').glob('*.json'))) == 1
    assert len(tile_files(out)) == 49
    stray = out / 'vis' / 'train' / '.NH49E001013_0_0.png.x1y2.tmp'
    stray.write_bytes(b'half')
    os.remove(out / 'ann' / 'train' / 'NH49E001013_0_16.png')

    stats = convert(src, out)
    assert not stray.exists()
    assert 'removed 1 temporary file' in capsys.readouterr().out
    assert stats['converted'] == 3 and stats['kept'] == 48
    assert stats['written'] == 3 * 3 * 12 - 48
    files = tile_files(out)
    assert len(files) == len(set(files)) == 3 * 3 * 12

    mtimes = {f: os.stat(out / f).st_mtime_ns for f in files}
    stats = convert(src, out)
    assert stats['converted'] == 0 and stats['written'] == 0
    assert 'nothing to do' in capsys.readouterr().out
    assert {f: os.stat(out / f).st_mtime_ns for f in files} == mtimes


def test_other_settings_in_same_output_are_refused(src, tmp_path):
    out = tmp_path / 'whu'
    convert(src, out)
    with pytest.raises(ConversionError, match='tile_size: 16 -> 8'):
        whu_opt_sar.main([str(src), '--out', str(out), '--tile-size', '8'])


@pytest.mark.parametrize('problem, message', [
    ('missing_label', r'lbl/NH49E001013\.tif: label missing for scene'),
    ('size', r'size mismatch: .*lbl/NH49E001013\.tif is 56x41'),
    ('value', r'lbl/NH49E001013\.tif: unknown label value\(s\) 35'),
    ('bands', r'optical/NH49E001013\.tif: expected 4 band\(s\)'),
])
def test_errors_name_the_file(tmp_path, problem, message):
    src = tmp_path / 'src'
    write_scene(
        src, 'NH49E001013',
        bands=3 if problem == 'bands' else 4,
        label_value=35 if problem == 'value' else 30,
        label_shape=(H + 1, W) if problem == 'size' else None)
    if problem == 'missing_label':
        os.remove(src / 'lbl' / 'NH49E001013.tif')
    with pytest.raises(ConversionError, match=message):
        convert(src, tmp_path / 'whu')


@pytest.mark.slow
def test_command_line_in_parallel(src, tmp_path):
    out = tmp_path / 'whu'
    run = subprocess.run(
        [sys.executable, 'tools/dataset_converters/whu_opt_sar.py',
         str(src), '--out', str(out), '--tile-size', str(TILE), '--nproc',
         '2'], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'converting 3 of 3 scenes' in run.stdout
    assert len(tile_files(out)) == 3 * 3 * 12
