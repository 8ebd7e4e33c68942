"""class_weights.py: pixel shares per class and tempered median-frequency
weights, from a folder of label maps; bad labels named."""
import importlib.util

import cv2
import numpy as np
import pytest
from data_paths import REPO_ROOT
from tool_runs import call_tool

TOOL = 'tools/analysis_tools/class_weights.py'


def run(*args):
    return call_tool(TOOL, *args)


@pytest.fixture
def labels(tmp_path):
    """Two 10x10 maps of 3 classes: class 0 on 178 pixels, 1 on 18, 2 on 2;
    two pixels ignored (255)."""
    a = np.zeros((10, 10), np.uint8)
    a[0, :9] = 1
    a[1, 0] = 2
    a[9, 9] = 255
    b = a.copy()
    for name, label in (('a', a), ('b', b)):
        cv2.imwrite(str(tmp_path / f'{name}.png'), label)
    return tmp_path


def test_weights_follow_the_formula(labels):
    spec = importlib.util.spec_from_file_location('class_weights',
                                                  REPO_ROOT / TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    counts = tool.class_pixel_counts(str(labels), 3)
    assert counts.tolist() == [[178, 2], [18, 2], [2, 2]]
    freq = counts[:, 0] / counts[:, 0].sum()
    w = tool.median_frequency_weights(counts[:, 0], power=1.0)
    # w_c proportional to median(f) / f_c = f_1 / f_c, sum_c f_c w_c = 1
    np.testing.assert_allclose(w * freq, [1 / 3] * 3)
    np.testing.assert_allclose(
        tool.median_frequency_weights([5, 0, 5], 0.5), [1, 0, 1])
    np.testing.assert_allclose(
        tool.median_frequency_weights([9, 1], 0.0), [1, 1])


@pytest.mark.slow
def test_cli_prints_table_and_config_line(labels):
    out = run(labels, '--dataset', 'MSRSDataset', '--power', '1')
    assert out.returncode == 0, out.stderr[-2000:]
    assert '| unlabelled | 89.899 | 2 |' in out.stdout
    assert 'class_weight=[0.37, 3.67, 33.00, 0.00, 0.00' in out.stdout


@pytest.mark.slow
def test_label_value_out_of_range_is_named(labels):
    bad = np.full((10, 10), 12, np.uint8)
    cv2.imwrite(str(labels / 'c.png'), bad)
    out = run(labels, '--dataset', 'MSRSDataset')
    assert out.returncode != 0
    assert 'c.png' in out.stderr and '12' in out.stderr
