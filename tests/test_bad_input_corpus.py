"""A folder of broken inputs through the dataset loader and tools/fuse.py:
every item either works by a documented conversion or fails with an error
that names the file, and no output is left half-written. The cases and
their behaviour are listed in docs/reliability.md ("Bad-input corpus")."""
import importlib.util
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from data_paths import REPO_ROOT
from tool_runs import call_tool, run_tool

from segfanet_mm.datasets import DatasetLayoutError, IVFDataset
from segfanet_mm.datasets.transforms import ImageReadError

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
H, W = 48, 64
WORKS = {
    'jpeg_as_png', 'rgba_vis', 'ir16', 'ir_rgb_grey', 'good', 'ir16_hot_pixel',
    'ir16_tiff', 'ir_float_nan', 'vis_float255', 'vis_float01',
    'vis_exif_rotated', 'vis_palette'
}
FAILS = {
    'zero_byte': 'file is empty',
    'truncated': 'cannot be decoded',
    'mismatch': 'size mismatch',
    'bad_label': 'out of range',
    'vis_float_negative': 'negative values',
    'vis_float_ambiguous': 'ambiguous',
    'ir_all_nan': 'no finite pixel value',
}


def _png(img):
    return cv2.imencode('.png', img)[1].tobytes()


def _tiff(img):
    import tifffile
    buf = io.BytesIO()
    tifffile.imwrite(buf, img)
    return buf.getvalue()


def _pil(rgb, fmt, orientation=1, palette=None):
    from PIL import Image
    image = Image.fromarray(rgb, 'P' if palette else None)
    if palette:
        image.putpalette(palette)
    exif = image.getexif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    image.save(buf, fmt, exif=exif, quality=95)
    return buf.getvalue()


def hot_pixel_frame(ir):
    """16-bit counts, a hot 'person' and one saturated pixel."""
    raw = 1000 + ir.astype(np.uint16)
    raw[10:30, 20:30] += 2000
    raw[0, 0] = 65535
    return raw


def make_corpus(root: Path) -> Path:
    """root/{vis,ir,ann}/<case>.png plus a stray non-image file."""
    rng = np.random.default_rng(0)
    for d in ('vis', 'ir', 'ann'):
        (root / d).mkdir(parents=True)
    vis = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    ir = rng.integers(0, 256, (H, W), dtype=np.uint8)
    label = rng.integers(0, 3, (H, W), dtype=np.uint8)
    for case in WORKS | set(FAILS):
        (root / 'vis' / f'{case}.png').write_bytes(_png(vis))
        (root / 'ir' / f'{case}.png').write_bytes(_png(ir))
        (root / 'ann' / f'{case}.png').write_bytes(_png(label))
    (root / 'vis' / 'zero_byte.png').write_bytes(b'')
    (root / 'ir' / 'truncated.png').write_bytes(_png(ir)[:150])
    (root / 'vis' / 'jpeg_as_png.png').write_bytes(
        cv2.imencode('.jpg', vis)[1].tobytes())
    (root / 'vis' / 'rgba_vis.png').write_bytes(
        _png(np.dstack([vis, np.full((H, W), 128, np.uint8)])))
    (root / 'ir' / 'ir16.png').write_bytes(_png(ir.astype(np.uint16) * 200))
    (root / 'ir' / 'ir_rgb_grey.png').write_bytes(_png(np.dstack([ir] * 3)))
    (root / 'ir' / 'mismatch.png').write_bytes(_png(ir[:-2]))
    # Items 2-5 of issue 19: one reader, deep IR, NaN, float ranges, EXIF.
    (root / 'ir' / 'ir16_hot_pixel.png').write_bytes(_png(hot_pixel_frame(ir)))
    (root / 'ir' / 'ir16_tiff.png').write_bytes(_tiff(hot_pixel_frame(ir)))
    celsius = ir.astype(np.float32) / 8 - 5
    celsius[20:22, 30:32] = np.nan
    (root / 'ir' / 'ir_float_nan.png').write_bytes(_tiff(celsius))
    (root / 'ir' / 'ir_all_nan.png').write_bytes(
        _tiff(np.full((H, W), np.nan, np.float32)))
    rgb = np.ascontiguousarray(vis[..., ::-1])  # what good.png holds
    (root / 'vis' / 'vis_float255.png').write_bytes(
        _tiff(rgb.astype(np.float32)))
    (root / 'vis' / 'vis_float01.png').write_bytes(
        _tiff(rgb.astype(np.float64) / 255))
    (root / 'vis' / 'vis_float_negative.png').write_bytes(
        _tiff(vis.astype(np.float32) / 128 - 1))
    (root / 'vis' / 'vis_float_ambiguous.png').write_bytes(
        _tiff(vis.astype(np.float32) / 200))
    (root / 'vis' / 'vis_exif_rotated.png').write_bytes(
        _pil(np.ascontiguousarray(np.rot90(rgb, 1)), 'JPEG', orientation=6))
    (root / 'vis' / 'vis_palette.png').write_bytes(
        _pil(
            vis[..., 0] % 4,
            'PNG',
            palette=[0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756))
    bad = label.copy()
    bad[0, 0] = 9
    (root / 'ann' / 'bad_label.png').write_bytes(_png(bad))
    (root / 'vis' / 'README.txt').write_text('not an image')
    return root


@pytest.fixture
def corpus(tmp_path):
    return make_corpus(tmp_path / 'corpus')


def test_dataset_loader_on_corpus(corpus):
    ds = IVFDataset(
        data_root=str(corpus),
        metainfo=dict(classes=('a', 'b', 'c')),
        pipeline=[
            dict(type='LoadIRVisPair'),
            dict(type='LoadIVFAnnotations'),
            dict(type='PackIVFInputs')
        ])
    assert len(ds) == len(WORKS) + len(FAILS)  # README.txt ignored
    for i in range(len(ds)):
        case = Path(ds.get_data_info(i)['vis_path']).stem
        if case in WORKS:
            sample = ds[i]
            assert sample['inputs'].shape == (4, H, W)
            assert sample['inputs'].dtype == torch.uint8
            continue
        with pytest.raises(ImageReadError) as err:
            ds[i]
        assert FAILS[case] in str(err.value)
        assert f'{case}.png' in str(err.value)


def test_empty_split_file_is_named(corpus):
    (corpus / 'split.txt').write_text('')
    with pytest.raises(DatasetLayoutError, match='split.txt: split file '):
        IVFDataset(
            data_root=str(corpus),
            ann_file='split.txt',
            metainfo=dict(classes=('a', 'b', 'c')))


@pytest.mark.slow
def test_fuse_tool_on_corpus(corpus, tmp_path):
    torch.manual_seed(0)
    from segfanet_mm.apis import init_fusion_model
    model = init_fusion_model(CONFIG)
    weights = tmp_path / 'w.pth'
    torch.save(model.state_dict(), weights)
    out_dir = tmp_path / 'out'
    out = call_tool('tools/fuse.py', CONFIG, str(weights), '--ir',
                    str(corpus / 'ir'), '--vis', str(corpus / 'vis'), '--out',
                    str(out_dir))
    assert out.returncode == 1  # some pairs failed, and it says so
    assert 'Traceback' not in out.stderr
    for case, problem in FAILS.items():
        if case == 'bad_label':  # fuse.py reads no labels: it works
            continue
        line = [ln for ln in out.stderr.splitlines() if f'{case}.png' in ln]
        assert line and problem in line[0], out.stderr
    written = sorted(p.stem for p in (out_dir / 'fused').iterdir())
    assert written == sorted(WORKS | {'bad_label'})
    leftovers = [p for p in out_dir.rglob('*') if p.name.endswith('.tmp')]
    assert not leftovers
    for stem in written:
        assert cv2.imread(str(out_dir / 'fused_rgb' / f'{stem}.png')).shape \
            == (H, W, 3)


@pytest.mark.parametrize('case, problem', [
    ('zero_byte', 'not a readable TIFF'),
    ('truncated', 'not a readable TIFF'),
    ('png_named_tif', 'not a readable TIFF'),
])
def test_whu_converter_on_broken_scene_files(tmp_path, case, problem):
    """A broken optical scene is reported with its name; the other scenes
    are converted and nothing is half-written."""
    import tifffile
    import whu_opt_sar
    src = tmp_path / 'WHU-OPT-SAR'
    for sub in ('optical', 'lbl'):
        (src / sub).mkdir(parents=True)
    for name in ('A_good', 'B_bad'):
        tifffile.imwrite(src / 'optical' / f'{name}.tif',
                         np.full((32, 32, 4), 50, np.uint8))
        tifffile.imwrite(src / 'lbl' / f'{name}.tif',
                         np.full((32, 32), 20, np.uint8))
    (src / 'optical' / 'notes.txt').write_text('not a scene')
    bad = src / 'optical' / 'B_bad.tif'
    if case == 'zero_byte':
        bad.write_bytes(b'')
    elif case == 'truncated':
        bad.write_bytes(bad.read_bytes()[:300])
    else:
        bad.write_bytes(_png(np.zeros((32, 32, 3), np.uint8)))
    out = tmp_path / 'whu'
    stats = whu_opt_sar.main(
        [str(src), '--out',
         str(out), '--tile-size', '16', '--split', 'hash'])
    assert list(stats['failed']) == ['B_bad'] and stats['converted'] == 1
    assert 'B_bad.tif' in stats['failed']['B_bad']
    assert problem in stats['failed']['B_bad']
    assert not [p for p in out.rglob('*') if p.name.endswith('.tmp')]
    for tile in out.rglob('*.png'):
        assert cv2.imread(str(tile), cv2.IMREAD_UNCHANGED) is not None


def _eval_fusion():
    spec = importlib.util.spec_from_file_location(
        '_eval_fusion_corpus',
        REPO_ROOT / 'tools/analysis_tools/eval_fusion.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_every_entry_point_reads_the_same_arrays(corpus, tmp_path):
    """Data set loading, the API (paths and arrays), eval_fusion.py and
    fuse.py get identical arrays from each file: one reader, one policy."""
    from segfanet_mm.apis import fuse_pair_classical, stack_pair
    from segfanet_mm.datasets.transforms import (LoadIRVisPair,
                                                 NonFinitePixelWarning,
                                                 load_infrared, load_visible,
                                                 read_image_bytes)
    from segfanet_mm.evaluation import functional
    eval_fusion = _eval_fusion()
    warnings.simplefilter('ignore', NonFinitePixelWarning)
    works = sorted(WORKS)
    for case in works:
        ir, vis = (str(corpus / d / f'{case}.png') for d in ('ir', 'vis'))
        ref = np.dstack([load_visible(vis), load_infrared(ir)])
        loaded = LoadIRVisPair().transform(dict(ir_path=ir, vis_path=vis))
        assert np.array_equal(loaded['img'], ref), case
        assert np.array_equal(stack_pair(ir, vis), ref), case
        arrays = stack_pair(read_image_bytes(ir), read_image_bytes(vis))
        assert np.array_equal(arrays, ref), case
        grey_ir = eval_fusion.read_grey(ir, functional, 'cpu', infrared=True)
        assert np.array_equal(grey_ir[0].numpy(), ref[..., 3]), case
        grey_vis = eval_fusion.read_grey(vis, functional, 'cpu')
        assert torch.equal(
            grey_vis,
            functional.rgb_to_grey(
                torch.from_numpy(ref[..., :3]).permute(2, 0, 1)).to(
                    torch.uint8)), case
    out_dir = tmp_path / 'rule'
    out = call_tool('tools/fuse.py', '--rule', 'max', '--ir',
                    str(corpus / 'ir'), '--vis', str(corpus / 'vis'), '--out',
                    str(out_dir))
    assert 'Traceback' not in out.stderr
    assert 'warning: ' in out.stderr and 'ir_float_nan.png: 4 of' in out.stderr
    for case in works:
        ir, vis = (str(corpus / d / f'{case}.png') for d in ('ir', 'vis'))
        expected = fuse_pair_classical(
            load_infrared(ir), load_visible(vis), 'max').fused
        fused = cv2.imread(
            str(out_dir / 'fused' / f'{case}.png'), cv2.IMREAD_UNCHANGED)
        assert np.array_equal(fused, expected), case


def test_corpus_conversions_keep_the_scene(corpus):
    """What the new corpus items must come out as (issue 19, items 2-5)."""
    from segfanet_mm.datasets.transforms import load_infrared, load_visible
    vis = load_visible(str(corpus / 'vis' / 'good.png'))
    ir8 = load_infrared(str(corpus / 'ir' / 'good.png'))
    for case in ('ir16_hot_pixel', 'ir16_tiff'):  # hot pixel: not flattened
        ir = load_infrared(str(corpus / 'ir' / f'{case}.png'))
        person = np.zeros((H, W), bool)
        person[10:30, 20:30] = True
        outside = ~person
        outside[0, 0] = False
        assert ir[person].min() > 200 and ir[outside].max() < 40
        for part in (person, outside):  # both keep the frame's detail
            assert np.corrcoef(ir[part], ir8[part])[0, 1] > 0.99
    with pytest.warns(UserWarning, match='4 of 3072'):
        ir = load_infrared(str(corpus / 'ir' / 'ir_float_nan.png'))
    assert ir.std() > 50 and (ir[20:22, 30:32] == 0).all()  # not erased
    for case in ('vis_float255', 'vis_float01'):
        assert np.array_equal(
            load_visible(str(corpus / 'vis' / f'{case}.png')), vis)
    rotated = load_visible(str(corpus / 'vis' / 'vis_exif_rotated.png'))
    assert rotated.shape == vis.shape  # upright, so it pairs with its IR
    corr = lambda a, b: np.corrcoef(a.ravel(), b.ravel())[0, 1]  # noqa
    assert corr(rotated, vis) > 0.5 > 0.1 > corr(rotated, vis[::-1, ::-1])
    palette = load_visible(str(corpus / 'vis' / 'vis_palette.png'))
    assert set(map(tuple, palette.reshape(-1, 3))) <= {(0, 0, 0), (255, 0, 0),
                                                       (0, 255, 0),
                                                       (0, 0, 255)}


@pytest.fixture(scope='module')
def checkpoints(tmp_path_factory):
    """A good, an empty and a truncated checkpoint of the demo model."""
    from segfanet_mm.apis import init_fusion_model
    folder = tmp_path_factory.mktemp('ckpt')
    torch.manual_seed(0)
    torch.save(init_fusion_model(CONFIG).state_dict(), folder / 'good.pth')
    (folder / 'empty.pth').write_bytes(b'')
    good = (folder / 'good.pth').read_bytes()
    (folder / 'truncated.pth').write_bytes(good[:len(good) // 2])
    return folder


def read_only(folder: Path) -> bool:
    """Make ``folder`` unwritable, even for root (chattr +i); False if this
    machine cannot."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return True
    return subprocess.run(['chattr', '+i', str(folder)],
                          capture_output=True).returncode == 0


# Issue 19, item 10: each bad argument is one line and exit status 1.
CLI_CASES = {
    'tile_small': ({
        '--tile': '8'
    }, 'at least 128'),
    'tile_negative': ({
        '--tile': '-1'
    }, 'at least 128'),
    'ir_range_reversed': ({
        '--ir-range': ['9', '1']
    }, 'low < high'),
    'ambiguous_stem': ({}, "ambiguous stem 'good'"),
    'same_folder': ({
        '--vis': '{ir}'
    }, 'the same folder'),
    'out_is_file': ({
        '--out': '{file}'
    }, 'is a file, not a folder'),
    'out_read_only': ({
        '--out': '{ro}/out'
    }, 'cannot write to --out'),
    'device_cuda': ({
        '--device': '{cuda}'
    }, 'CUDA'),
    'device_bogus': ({
        '--device': 'gpu0'
    }, 'is not a device'),
    'empty_pth': ({
        'checkpoint': '{ckpt}/empty.pth'
    }, 'is empty (0 bytes)'),
    'truncated_pth': ({
        'checkpoint': '{ckpt}/truncated.pth'
    }, 'is truncated'),
}


@pytest.fixture(scope='module')
def fuse_tool():
    spec = importlib.util.spec_from_file_location('_fuse_tool',
                                                  REPO_ROOT / 'tools/fuse.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('case', sorted(CLI_CASES))
def test_fuse_cli_refuses_bad_arguments(corpus, checkpoints, tmp_path, case,
                                        fuse_tool, monkeypatch):
    """In-process (fast): ``main`` ends with ``SystemExit('error: ...')``,
    which Python prints as that one line with exit status 1."""
    overrides, problem = CLI_CASES[case]
    (tmp_path / 'ro').mkdir()
    if case == 'out_read_only' and not read_only(tmp_path / 'ro'):
        pytest.skip('cannot make a read-only folder here')
    (tmp_path / 'file').write_text('x')
    if case == 'ambiguous_stem':
        (corpus / 'vis' / 'good.jpg').write_bytes(
            (corpus / 'vis' / 'jpeg_as_png.png').read_bytes())
    names = dict(
        ir=corpus / 'ir',
        file=tmp_path / 'file',
        ro=tmp_path / 'ro',
        ckpt=checkpoints,
        cuda='cuda' if not torch.cuda.is_available() else 'cuda:99')
    args = {
        'checkpoint': str(checkpoints / 'good.pth'),
        '--ir': str(corpus / 'ir'),
        '--vis': str(corpus / 'vis'),
        '--out': str(tmp_path / 'out')
    }
    args.update(overrides)
    argv = ['fuse.py', CONFIG, args.pop('checkpoint').format(**names)]
    for key, value in args.items():
        values = value if isinstance(value, list) else [value]
        argv += [key, *(v.format(**names) for v in values)]
    monkeypatch.setattr(sys, 'argv', argv)
    monkeypatch.setattr(warnings, 'showwarning', warnings.showwarning)
    monkeypatch.chdir(REPO_ROOT)
    try:
        with pytest.raises(SystemExit) as exit_info:
            fuse_tool.main()
    finally:
        if case == 'out_read_only' and os.geteuid() == 0:
            subprocess.run(['chattr', '-i', str(tmp_path / 'ro')])
    message = exit_info.value.code
    assert isinstance(message, str) and '\n' not in message, message
    assert message.startswith('error: ') and problem in message, message
    assert not (tmp_path / 'out' / 'fused').exists()


@pytest.mark.slow
def test_fuse_cli_error_is_one_line_and_status_1(corpus, tmp_path):
    out = run_tool([
        sys.executable, 'tools/fuse.py', '--rule', 'max', '--tile', '-1',
        '--ir',
        str(corpus / 'ir'), '--vis',
        str(corpus / 'vis'), '--out',
        str(tmp_path / 'out')
    ],
                   timeout=600)
    assert out.returncode == 1 and 'Traceback' not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        'error: --tile -1: use 0 (never tile) or at least 128 pixels')
