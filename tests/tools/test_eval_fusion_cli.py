"""tools/analysis_tools/eval_fusion.py: folders in, table + CSV out."""
import csv
import importlib.util
import sys

import numpy as np
import pytest
import torch
from data_paths import REPO_ROOT, shared_data_dir
from tool_runs import call_tool, run_tool

cv2 = pytest.importorskip('cv2')

SCRIPT = REPO_ROOT / 'tools' / 'analysis_tools' / 'eval_fusion.py'
NAMES = ('EN', 'SD', 'SF', 'AG', 'MI', 'SCD', 'VIF', 'Qabf', 'SSIM', 'CC',
         'PSNR', 'MSE')

pytestmark = pytest.mark.usefixtures('one_torch_thread')

FIXTURE = shared_data_dir() / 'metric_fixture'


@pytest.fixture(scope='module')
def cli():
    """The script as a module, for in-process calls of main()."""
    spec = importlib.util.spec_from_file_location('_eval_fusion_cli', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def image(h, w, seed, channels):
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(0, 255, (h // 8 + 2, w // 8 + 2, channels))
    img = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_LINEAR)
    img = img.reshape(h, w, channels) + rng.normal(0, 4, (h, w, channels))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


@pytest.fixture()
def folders(tmp_path):
    """a, b complete; c lacks fused+vis; d lacks fused+ir."""
    h, w = 48, 64
    dirs = {k: tmp_path / k for k in ('fused', 'ir', 'vis')}
    for d in dirs.values():
        d.mkdir()
    cv2.imwrite(str(dirs['fused'] / 'a.png'), image(h, w, 1, 3))
    cv2.imwrite(str(dirs['fused'] / 'b.jpg'), image(h, w, 2, 3))
    cv2.imwrite(str(dirs['ir'] / 'a.png'), image(h, w, 3, 1)[..., 0])
    cv2.imwrite(str(dirs['ir'] / 'b.BMP'), image(h, w, 4, 3))  # grey as RGB
    cv2.imwrite(str(dirs['ir'] / 'c.png'), image(h, w, 5, 1)[..., 0])
    cv2.imwrite(str(dirs['vis'] / 'a.png'), image(h, w, 6, 3))
    cv2.imwrite(str(dirs['vis'] / 'b.png'), image(h, w, 7, 3))
    cv2.imwrite(str(dirs['vis'] / 'd.tif'), image(h, w, 8, 3))
    (dirs['vis'] / 'notes.txt').write_text('not an image')
    return dirs


def expected_values(paths):
    """Same reading and grey rule as the CLI promises, computed here."""
    from segfanet_mm.evaluation import compute_fusion_metrics, rgb_to_grey

    def grey(p):
        rgb = cv2.cvtColor(
            cv2.imread(str(p), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        return rgb_to_grey(torch.from_numpy(rgb).permute(2, 0, 1))

    out = compute_fusion_metrics(*(grey(p) for p in paths))
    return {k: float(v[0]) for k, v in out.items()}


def run_cli(*args, cwd):
    return run_tool(
        [sys.executable, str(SCRIPT), *map(str, args)], cwd=cwd, timeout=300)


def read_csv(path):
    with open(path, newline='') as fh:
        return {r['img_name']: r for r in csv.DictReader(fh)}


@pytest.mark.slow
def test_cli_folders_table_csv_and_missing(folders, tmp_path):
    out_csv = tmp_path / 'out' / 'metrics.csv'
    # run from outside the repository: the script finds the package itself
    proc = run_cli(
        '--fused',
        folders['fused'],
        '--ir',
        folders['ir'],
        '--vis',
        folders['vis'],
        '--csv',
        out_csv,
        '--threads',
        1,
        cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert 'Missing partners: 2 stem(s)' in out
    assert 'c: no fused / vis image' in out
    assert 'd: no fused / ir image' in out
    assert 'mean over 2 images' in out and 'fixture convention' in out
    for name in NAMES:
        assert name in out
    rows = read_csv(out_csv)
    assert list(rows) == ['a', 'b']
    for stem, paths in {
            'a': (folders['fused'] / 'a.png', folders['ir'] / 'a.png',
                  folders['vis'] / 'a.png'),
            'b': (folders['fused'] / 'b.jpg', folders['ir'] / 'b.BMP',
                  folders['vis'] / 'b.png'),
    }.items():
        ref = expected_values(paths)
        for k in NAMES:
            assert float(rows[stem][k]) == pytest.approx(ref[k], rel=1e-6), k


def test_cli_switches_and_strict(cli, folders, tmp_path, capsys):
    out_csv = tmp_path / 'bits.csv'
    code = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis']), '--mi-base', '2', '--metrics', 'MI', 'EN',
        '--csv',
        str(out_csv), '--no-progress'
    ])
    assert code == 0
    out = capsys.readouterr().out
    assert "custom convention (mi_base='2')" in out
    rows = read_csv(out_csv)
    assert list(rows['a']) == ['img_name', 'MI', 'EN']
    ref = expected_values((folders['fused'] / 'a.png', folders['ir'] / 'a.png',
                           folders['vis'] / 'a.png'))
    assert float(rows['a']['MI']) == pytest.approx(
        ref['MI'] / np.log(2), rel=1e-6)
    code = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis']), '--metrics', 'EN', '--strict'
    ])
    assert code == 1
    assert '--strict' in capsys.readouterr().err


def test_cli_unreadable_image_is_named(cli, folders, capsys):
    bad = folders['vis'] / 'a.png'
    bad.write_bytes(b'this is not a png')
    code = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis'])
    ])
    assert code == 1
    err = capsys.readouterr().err
    assert 'cannot read image' in err and str(bad) in err


def test_cli_size_mismatch_is_named(cli, folders, capsys):
    cv2.imwrite(str(folders['ir'] / 'a.png'), image(40, 64, 9, 1)[..., 0])
    code = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis'])
    ])
    assert code == 1
    err = capsys.readouterr().err
    assert "size mismatch for 'a'" in err
    assert str(folders['ir'] / 'a.png') in err and '64x40' in err


def test_cli_no_triples_and_ambiguous_stems(cli, folders, tmp_path, capsys):
    empty = tmp_path / 'empty'
    empty.mkdir()
    assert cli.main([
        '--fused',
        str(empty), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis'])
    ]) == 1
    assert 'no complete' in capsys.readouterr().err
    cv2.imwrite(str(folders['fused'] / 'a.jpg'), image(48, 64, 1, 3))
    assert cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis'])
    ]) == 1
    assert "ambiguous stem 'a'" in capsys.readouterr().err


@pytest.mark.skipif(
    not (FIXTURE / 'reference_metrics.csv').is_file(),
    reason='metric fixture not available')
@pytest.mark.slow
def test_cli_on_metric_fixture(tmp_path):
    out_csv = tmp_path / 'gff.csv'
    proc = call_tool('tools/analysis_tools/eval_fusion.py', '--fused',
                     FIXTURE / 'fused' / 'GFF', '--ir', FIXTURE / 'ir',
                     '--vis', FIXTURE / 'vis', '--csv', out_csv, '--threads',
                     1)
    assert proc.returncode == 0, proc.stderr
    assert 'Missing partners' not in proc.stdout
    rows = read_csv(out_csv)
    with open(FIXTURE / 'reference_metrics.csv', newline='') as fh:
        refs = [r for r in csv.DictReader(fh) if r['method'] == 'GFF']
    assert sorted(rows) == sorted(r['pair'] for r in refs)
    for ref in refs:
        got = rows[ref['pair']]
        for k in NAMES:
            rel = abs(float(got[k]) - float(ref[k])) / abs(float(ref[k]))
            assert rel <= 2e-5, (ref['pair'], k, rel)


def test_cli_all_metrics_csv_columns_are_the_metric_names(
        cli, folders, tmp_path):
    from segfanet_mm.evaluation import ALL_METRIC_NAMES
    out_csv = tmp_path / 'all.csv'
    rc = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis']), '--csv',
        str(out_csv), '--metrics', 'all', '--no-progress'
    ])
    assert rc == 0
    with open(out_csv, newline='') as fh:
        header = next(csv.reader(fh))
    assert header == ['img_name', *ALL_METRIC_NAMES]
    # issue 21's names, spelled as the issue spells them
    issue = [
        'CE', 'EI', 'RMSE_VIFB', 'PSNR_VIFB', 'Qcb', 'Qcv', 'NMI', 'Qncie',
        'Qp', 'Qsf', 'Q0', 'Qw', 'Qg', 'Nabf', 'FMI_pixel', 'FMI_dct', 'FMI_w',
        'MEF_SSIM', 'MS_SSIM', 'Qc', 'Qy'
    ]
    assert set(header) == {'img_name', *NAMES, *issue}


def test_cli_nabf_call_order_switch(cli, folders, tmp_path, capsys):
    """--nabf-call-order tang gives Tang's script's Nabf (IR as F)."""
    from segfanet_mm.evaluation import compute_fusion_metrics, rgb_to_grey
    out_csv = tmp_path / 'nabf.csv'
    rc = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis']), '--csv',
        str(out_csv), '--metrics', 'Nabf', '--nabf-call-order', 'tang',
        '--no-progress'
    ])
    assert rc == 0
    assert "nabf_call_order='tang'" in capsys.readouterr().out

    def grey(p):
        rgb = cv2.cvtColor(
            cv2.imread(str(p), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
        return rgb_to_grey(torch.from_numpy(rgb).permute(2, 0, 1))

    f, a, b = (grey(folders[k] / 'a.png') for k in ('fused', 'ir', 'vis'))
    ref = compute_fusion_metrics(f, a, b, {'nabf_call_order': 'tang'},
                                 ['Nabf'])['Nabf']
    assert float(read_csv(out_csv)['a']['Nabf']) == pytest.approx(
        float(ref[0]), rel=1e-6)


def test_cli_ir_range_maps_deep_infrared_like_fuse(cli, tmp_path):
    """--ir-range LOW HIGH reads 16-bit infrared as tools/fuse.py does
    with the same range: LOW..HIGH -> 0..255 for every image."""
    from segfanet_mm.datasets.transforms.image_io import load_infrared
    dirs = {k: tmp_path / k for k in ('fused', 'ir', 'vis')}
    for d in dirs.values():
        d.mkdir()
    h, w = 48, 64
    deep = (image(h, w, 3, 1)[..., 0].astype(np.uint16) * 40 + 1000)
    cv2.imwrite(str(dirs['ir'] / 'a.png'), deep)
    cv2.imwrite(str(dirs['vis'] / 'a.png'), image(h, w, 6, 3))
    cv2.imwrite(str(dirs['fused'] / 'a.png'), image(h, w, 1, 1))
    out = {}
    for name, extra in (('auto', []), ('fixed', ['--ir-range', '0', '20000'])):
        out_csv = tmp_path / f'{name}.csv'
        assert cli.main([
            '--fused',
            str(dirs['fused']), '--ir',
            str(dirs['ir']), '--vis',
            str(dirs['vis']), '--csv',
            str(out_csv), '--metrics', 'EN', 'MI', '--no-progress', *extra
        ]) == 0
        out[name] = read_csv(out_csv)['a']
    from segfanet_mm.evaluation import compute_fusion_metrics
    ir = torch.from_numpy(
        load_infrared(str(dirs['ir'] / 'a.png'), ir_range=(0, 20000)))
    vis = cv2.cvtColor(
        cv2.imread(str(dirs['vis'] / 'a.png')), cv2.COLOR_BGR2RGB)
    from segfanet_mm.evaluation import rgb_to_grey
    vis = rgb_to_grey(torch.from_numpy(vis).permute(2, 0, 1))
    fused = torch.from_numpy(
        cv2.imread(str(dirs['fused'] / 'a.png'), cv2.IMREAD_UNCHANGED))
    ref = compute_fusion_metrics(fused, ir, vis, metrics=['MI'])['MI']
    assert float(out['fixed']['MI']) == pytest.approx(float(ref[0]), rel=1e-6)
    assert out['auto']['MI'] != out['fixed']['MI']


@pytest.mark.parametrize('bad',
                         ['folder', 'parent_is_file', 'metric', 'ir_range'])
def test_cli_checks_arguments_before_computing(cli, folders, tmp_path,
                                               monkeypatch, capsys, bad):
    """Issue 19/11: a --csv that cannot be written (or an unknown metric)
    fails at once, naming the problem, before any image is evaluated."""

    def no_compute(*args, **kwargs):
        raise AssertionError('metrics computed before the argument check')

    monkeypatch.setattr(cli.functional, 'compute_fusion_metrics', no_compute)
    (tmp_path / 'a_file').write_text('x')
    extra = {
        'folder': ['--csv', str(tmp_path)],
        'parent_is_file': ['--csv',
                           str(tmp_path / 'a_file' / 'm.csv')],
        'metric': ['--metrics', 'EN', 'Qnope'],
        'ir_range': ['--ir-range', '5', '1'],
    }[bad]
    rc = cli.main([
        '--fused',
        str(folders['fused']), '--ir',
        str(folders['ir']), '--vis',
        str(folders['vis']), '--no-progress', *extra
    ])
    err = capsys.readouterr().err
    assert rc == 1
    assert {
        'folder': 'is a folder',
        'parent_is_file': 'is a file',
        'metric': "'Qnope'",
        'ir_range': '--ir-range'
    }[bad] in err


def test_cli_constant_fused_image_gets_a_defined_table_and_a_note(
        cli, tmp_path, capsys):
    """Issue 19/11: an all-black fused image makes PSNR undefined (NaN,
    with a note giving the reason), not -inf; the table's mean is over the
    images where PSNR is defined."""
    dirs = {k: tmp_path / k for k in ('fused', 'ir', 'vis')}
    for d in dirs.values():
        d.mkdir()
    h, w = 48, 64
    for stem, seed in (('a', 1), ('b', 2)):
        cv2.imwrite(str(dirs['ir'] / f'{stem}.png'), image(h, w, seed, 1))
        cv2.imwrite(str(dirs['vis'] / f'{stem}.png'), image(h, w, seed + 5, 3))
    cv2.imwrite(str(dirs['fused'] / 'a.png'), np.zeros((h, w), np.uint8))
    cv2.imwrite(str(dirs['fused'] / 'b.png'), image(h, w, 9, 1))
    out_csv = tmp_path / 'm.csv'
    rc = cli.main([
        '--fused',
        str(dirs['fused']), '--ir',
        str(dirs['ir']), '--vis',
        str(dirs['vis']), '--csv',
        str(out_csv), '--metrics', 'PSNR', 'Qabf', '--no-progress'
    ])
    out = capsys.readouterr()
    assert rc == 0
    rows = read_csv(out_csv)
    assert rows['a']['PSNR'] == 'nan'
    assert float(rows['b']['PSNR']) > 0
    assert 'note: PSNR undefined (NaN) on 1 of 2 image(s) (a)' in out.err
    assert 'all-zero fused image' in out.err
    assert 'too small' not in out.err
    psnr_row = [ln for ln in out.out.splitlines() if 'PSNR' in ln][0]
    assert ' 1 ' in psnr_row and 'nan' not in psnr_row.lower()
