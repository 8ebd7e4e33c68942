"""segment_fused.py: one segmenter per fusion method, one table, reruns that
keep finished runs, and input errors before any training."""
import csv
import importlib.util
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from data_paths import REPO_ROOT
from tool_runs import run_tool

TOOL = 'tools/analysis_tools/segment_fused.py'
# a tiny BiSeNetV2 and a 2-iteration schedule: the protocol, not the model
TINY = [
    'train_cfg.max_iters=2', 'train_dataloader.batch_size=2',
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'test_dataloader.num_workers=0',
    'test_dataloader.persistent_workers=False',
    'model.backbone.detail_channels=(8,8,16)',
    'model.backbone.semantic_channels=(8,8,8,16)',
    'model.backbone.bga_channels=16', 'model.backbone.out_indices=(0,)',
    'model.decode_head.in_channels=16', 'model.decode_head.channels=16',
    'model.auxiliary_head=None'
]
STEMS = {
    'train': ['00001D', '00002D', '00003N', '00004N'],
    'val': ['00005D', '00006N']
}


@pytest.fixture
def data(tmp_path):
    """32x48 IR/visible/label triples (3 classes) and a precomputed 'fused'
    folder per split; IR grey, the others colour."""
    rng = np.random.default_rng(0)
    root = tmp_path / 'data'
    for split, stems in STEMS.items():
        for kind in ('ir', 'vis', 'label', 'fused'):
            (root / split / kind).mkdir(parents=True)
        for stem in stems:
            label = rng.integers(0, 3, (32, 48), dtype=np.uint8)
            cv2.imwrite(str(root / split / 'label' / f'{stem}.png'), label)
            cv2.imwrite(
                str(root / split / 'ir' / f'{stem}.png'),
                (60 * label + 40).astype(np.uint8))
            for kind in ('vis', 'fused'):
                cv2.imwrite(
                    str(root / split / kind / f'{stem}.png'),
                    rng.integers(0, 256, (32, 48, 3), np.uint8))
    return root


def run(data: Path, work: Path, *methods: str, options=TINY, jobs=1):
    args = [
        sys.executable, TOOL, '--seeds', '0', '--work-dir',
        str(work), '--jobs',
        str(jobs)
    ]
    for split in STEMS:
        for kind in ('ir', 'vis', 'label'):
            args += [f'--{split}-{kind}', str(data / split / kind)]
    for method in methods:
        args += ['--method', method]
    return run_tool(args + ['--cfg-options', *options])


def table_rows(work: Path) -> dict:
    with open(work / 'table.csv') as f:
        return {(r['method'], r['group']): r for r in csv.DictReader(f)}


def headers(log: Path) -> list:
    """The command lines a log records, one per (re)run."""
    return [
        line for line in log.read_text().splitlines()
        if line.startswith('===== ')
    ]


@pytest.mark.slow
def test_table_failures_and_rerun(data, tmp_path):
    work = tmp_path / 'work'
    fused = data / 'val' / 'fused' / '00006N.png'
    good = fused.read_bytes()
    fused.write_bytes(good[:len(good) // 2])  # header intact: passes checks
    folder = f'pre={data / "train" / "fused"},{data / "val" / "fused"}'
    out = run(data, work, 'vis=source:vis', 'max=rule:max', folder, jobs=2)
    # the broken method fails at test time; the others finish
    assert out.returncode == 1, out.stdout[-3000:] + out.stderr[-3000:]
    assert 'FAILED:\n  pre: seed 0: testing failed' in out.stdout
    assert str(work / 'pre' / '0' / 'test.log') in out.stdout
    rows = table_rows(work)
    assert sorted({m for m, _ in rows}) == ['max', 'vis']
    assert sorted({g for _, g in rows}) == ['all', 'day', 'night']
    with open(work / 'table.csv') as f:
        assert next(csv.reader(f)) == [
            'method', 'group', 'seed', 'mIoU', 'unlabelled', 'car', 'person',
            'bike', 'curve', 'car_stop', 'guardrail', 'color_cone', 'bump'
        ]
    for (method, group), row in rows.items():
        assert row['seed'] == '0'
        assert 0 <= float(row['mIoU']) <= 100
        assert 0 <= float(row['person']) <= 100  # classes 0-2 are labelled
    table = (work / 'table.md').read_text()
    assert '| vis | 1 |' in table and '| max | 1 |' in table
    assert '| pre |' not in table
    fused_max = cv2.imread(
        str(work / 'max' / 'fused' / 'val' / 'fused_rgb' / '00005D.png'))
    assert fused_max.shape == (32, 48, 3)
    pred = cv2.imread(
        str(work / 'vis' / '0' / 'pred' / 'seg' / '00006N.png'),
        cv2.IMREAD_UNCHANGED)
    assert pred.shape == (32, 48) and pred.max() < 9
    done = json.loads((work / 'vis' / '0' / 'done.json').read_text())
    assert Path(done['checkpoint']).is_file()
    assert done['settings']['cfg_options'][-len(TINY):] == TINY

    # Fix the image and pretend 'pre' was killed while training, after its
    # checkpoint: the rerun resumes and tests 'pre' only, keeping the others.
    fused.write_bytes(good)
    assert (work / 'pre' / '0' / 'trained.json').is_file()
    (work / 'pre' / '0' / 'trained.json').unlink()
    kept = {
        m: (work / m / '0' / 'done.json').stat().st_mtime_ns
        for m in ('vis', 'max')
    }
    out = run(data, work, 'vis=source:vis', 'max=rule:max', folder)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert '[vis seed 0] done before, kept' in out.stdout
    assert '[max seed 0] done before, kept' in out.stdout
    assert '[max] train images: done before, kept' in out.stdout
    assert '[pre seed 0] resuming training' in out.stdout
    for method, mtime in kept.items():
        assert (work / method / '0' / 'done.json').stat().st_mtime_ns == mtime
        assert len(headers(work / method / '0' / 'train.log')) == 1
        assert len(headers(work / method / '0' / 'test.log')) == 1
    pre_train = headers(work / 'pre' / '0' / 'train.log')
    assert len(pre_train) == 2 and '--resume' in pre_train[1]
    last = (work / 'pre' / '0' / 'train.log').read_text().split('===== ')[-1]
    assert 'Auto resumed from the latest checkpoint' in last
    assert len(headers(work / 'pre' / '0' / 'test.log')) == 2
    rows2 = table_rows(work)
    assert sorted({m for m, _ in rows2}) == ['max', 'pre', 'vis']
    for key in (('vis', 'all'), ('vis', 'night')):  # same predictions
        assert rows2[key]['mIoU'] == rows[key]['mIoU']


def load_tool():
    spec = importlib.util.spec_from_file_location('segment_fused',
                                                  REPO_ROOT / TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def check_error(data: Path, work: Path, *methods: str) -> str:
    """Run the tool in this process; return the message it exits with."""
    argv = ['--seeds', '0', '--work-dir', str(work)]
    for split in STEMS:
        for kind in ('ir', 'vis', 'label'):
            argv += [f'--{split}-{kind}', str(data / split / kind)]
    for method in methods:
        argv += ['--method', method]
    with pytest.raises(SystemExit) as err:
        load_tool().main(argv)
    return str(err.value.code)


def test_missing_image_fails_before_training(data, tmp_path):
    work = tmp_path / 'work'
    (data / 'train' / 'fused' / '00003N.png').unlink()
    folder = f'pre={data / "train" / "fused"},{data / "val" / "fused"}'
    message = check_error(data, work, 'vis=source:vis', 'max=rule:max', folder)
    assert 'nothing was run' in message
    assert (f'method pre (train): missing '
            f'{data / "train" / "fused" / "00003N.png"} (image of label '
            f'{data / "train" / "label" / "00003N.png"})') in message
    assert not work.exists()  # nothing fused, trained or written


def test_input_size_and_name_checks(data, tmp_path):
    work = tmp_path / 'w'
    cv2.imwrite(
        str(data / 'val' / 'fused' / '00005D.png'),
        np.zeros((16, 48, 3), np.uint8))
    folder = f'{data / "train" / "fused"},{data / "val" / "fused"}'
    message = check_error(data, work, f'pre={folder}')
    assert (
        f'{data / "val" / "fused" / "00005D.png"} is 48x16 but its '
        f'label {data / "val" / "label" / "00005D.png"} is 48x32') in message
    for bad in ('../up', 'a/b', '.hidden', 'x y', 'a,b', 'table.md'):
        message = check_error(data, work, f'{bad}={folder}')
        assert f'method name {bad!r} is not a safe folder name' in message
    message = check_error(data, work, 'a=source:vis', 'A=rule:max')
    assert "method name 'A' given twice" in message
    assert 'rule:mean or rule:max' in check_error(data, work, 'a=rule:median')
    assert 'source:vis or source:ir' in check_error(data, work, 'a=source:x')
    (data / 'val' / 'ir' / '00006N.png').unlink()  # needed by rules only
    assert f'--val-ir: missing {data / "val" / "ir" / "00006N.png"}' in \
        check_error(data, work, 'm=rule:mean')
    assert not work.exists()
