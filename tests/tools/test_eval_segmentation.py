"""eval_segmentation.py: mmseg IoU per group and seed, errors naming files."""
import csv
import statistics
from pathlib import Path

import cv2
import numpy as np
import pytest
from tool_runs import call_tool

TOOL = 'tools/analysis_tools/eval_segmentation.py'


def run(*args):
    return call_tool(TOOL, *args)


def write(folder: Path, maps: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, array in maps.items():
        cv2.imwrite(str(folder / f'{stem}.png'), np.asarray(array, np.uint8))
    return folder


@pytest.fixture
def maps(tmp_path):
    """A day and a night label, a flawed and a perfect prediction of them.

    Day: class 1 fills the top-left 2x2, predicted as the top row: class 1
    IoU 2/6, class 0 IoU 10/14. Night: left half 0, right half 2, one
    ignored pixel predicted as class 1 (left out): both classes IoU 1.
    """
    day = np.zeros((4, 4))
    day[:2, :2] = 1
    day_pred = np.zeros((4, 4))
    day_pred[0] = 1
    night = np.zeros((4, 4))
    night[:, 2:] = 2
    night[0, 0] = 255
    night_pred = night.copy()
    night_pred[0, 0] = 1
    labels = write(tmp_path / 'label', {'001D': day, '002N': night})
    flawed = write(tmp_path / 'flawed', {'001D': day_pred, '002N': night_pred})
    perfect = write(tmp_path / 'perfect', {'001D': day, '002N': night_pred})
    return labels, flawed, perfect


@pytest.mark.slow
def test_iou_per_group_and_seed(tmp_path, maps):
    labels, flawed, perfect = maps
    out = run('--label', labels, '--classes', 'bg', 'car', 'person',
              '--method', f'net={flawed},{perfect}', '--method',
              f'single={flawed}', '--group', 'day=D$', '--group', 'night=N$',
              '--csv', tmp_path / 't.csv', '--md', tmp_path / 't.md')
    assert out.returncode == 0, out.stderr[-2000:]
    rows = {
        (r['method'], r['group'], r['seed']): r
        for r in csv.DictReader(open(tmp_path / 't.csv'))
    }
    day = rows['single', 'day', '0']
    assert float(day['car']) == pytest.approx(100 * 2 / 6, abs=1e-3)
    assert float(day['bg']) == pytest.approx(100 * 10 / 14, abs=1e-3)
    assert day['person'] == ''  # absent from labels and predictions
    day_miou = 100 * (2 / 6 + 10 / 14) / 2
    assert float(day['mIoU']) == pytest.approx(day_miou, abs=1e-3)
    assert float(rows['single', 'night', '0']['mIoU']) == pytest.approx(100)
    overall = 100 * (17 / 21 + 2 / 6 + 1) / 3  # areas summed over images
    assert float(rows['single', 'all', '0']['mIoU']) == pytest.approx(
        overall, abs=1e-3)
    assert float(rows['net', 'day', '1']['mIoU']) == pytest.approx(100)
    spread = statistics.stdev([day_miou, 100])
    assert '| net | 2 | ' in out.stdout
    assert f'{(day_miou + 100) / 2:.2f} ± {spread:.2f}' in out.stdout
    assert (tmp_path / 't.md').read_text() == out.stdout


@pytest.mark.slow
def test_missing_prediction_names_the_file(tmp_path, maps):
    labels, flawed, _ = maps
    (flawed / '002N.png').unlink()
    out = run('--label', labels, '--classes', 'a', 'b', 'c', '--method',
              f'net={flawed}')
    assert out.returncode != 0
    assert str(flawed / '002N.png') in out.stderr


@pytest.mark.slow
def test_bad_predictions_are_clear_errors(tmp_path, maps):
    labels, flawed, _ = maps
    cv2.imwrite(str(flawed / '001D.png'), np.zeros((5, 4), np.uint8))
    out = run('--label', labels, '--classes', 'a', 'b', 'c', '--method',
              f'net={flawed}')
    assert out.returncode != 0 and 'size' in out.stderr
    assert str(flawed / '001D.png') in out.stderr
    cv2.imwrite(str(flawed / '001D.png'), np.full((4, 4), 7, np.uint8))
    out = run('--label', labels, '--classes', 'a', 'b', 'c', '--method',
              f'net={flawed}')
    assert out.returncode != 0 and 'out of range' in out.stderr
    out = run('--label', labels, '--dataset', 'MSRSDataset', '--method',
              f'net={flawed}', '--group', 'dusk=X$')
    assert out.returncode != 0 and 'matches no label' in out.stderr


@pytest.mark.slow
def test_class_names_from_a_registered_dataset(tmp_path, maps):
    labels, flawed, _ = maps
    out = run('--label', labels, '--dataset', 'MSRSDataset', '--method',
              f'net={flawed}', '--csv', tmp_path / 't.csv')
    assert out.returncode == 0, out.stderr[-2000:]
    header = next(csv.reader(open(tmp_path / 't.csv')))
    assert header[4:] == [
        'unlabelled', 'car', 'person', 'bike', 'curve', 'car_stop',
        'guardrail', 'color_cone', 'bump'
    ]
