"""Release and reporting tools: publish_model.py and results_table.py."""
import csv

import pytest
import torch
from tool_runs import call_tool


def run(*args):
    return call_tool(*args)


@pytest.mark.slow
def test_publish_model_keeps_weights_only(tmp_path):
    state = {'conv.weight': torch.randn(4, 3, 3, 3), 'bn.num': torch.tensor(3)}
    ckpt = dict(
        state_dict=state,
        meta=dict(iter=5),
        optimizer=dict(state={}, param_groups=[]))
    torch.save(ckpt, tmp_path / 'in.pth')
    out = run('tools/model_converters/publish_model.py',
              str(tmp_path / 'in.pth'), str(tmp_path / 'out.pth'), '--half')
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'sha256' in out.stdout
    loaded = torch.load(tmp_path / 'out.pth', weights_only=True)
    assert set(loaded) == set(state)
    assert loaded['conv.weight'].dtype == torch.float16
    torch.testing.assert_close(
        loaded['conv.weight'].float(),
        state['conv.weight'],
        rtol=1e-3,
        atol=1e-3)
    assert loaded['bn.num'].dtype == torch.int64
    same = run('tools/model_converters/publish_model.py',
               str(tmp_path / 'in.pth'), str(tmp_path / 'in.pth'))
    assert same.returncode != 0 and 'differ' in same.stderr


def write_csv(path, rows):
    with open(path, 'w', newline='') as fh:
        writer = csv.writer(fh)
        writer.writerow(['img_name', 'EN', 'MI'])
        writer.writerows(rows)


def test_results_table_means_and_wins(tmp_path):
    write_csv(tmp_path / 'a.csv', [['x', 6, 2], ['y', 8, 2]])
    write_csv(tmp_path / 'b.csv', [['x', 7, 1], ['y', 6, 5]])
    out = run('tools/analysis_tools/results_table.py', '--metrics', 'EN', 'MI',
              '--method', f'base={tmp_path / "a.csv"}', '--method',
              f'net={tmp_path / "b.csv"}', '--baselines', 'base')
    assert out.returncode == 0, out.stderr[-2000:]
    assert '| base | **7** | 2 |' in out.stdout
    assert '| net | 6.5 | **3** |' in out.stdout
    assert 'net vs base: higher on 1/2 (MI); not on EN' in out.stdout
    write_csv(tmp_path / 'c.csv', [['x', 7, 1]])
    out = run('tools/analysis_tools/results_table.py', '--metrics', 'EN',
              '--method', f'a={tmp_path / "a.csv"}', '--method',
              f'c={tmp_path / "c.csv"}')
    assert out.returncode != 0 and 'different images' in out.stderr


@pytest.mark.parametrize('bad', ['noequals', '=x.csv'])
def test_results_table_rejects_bad_method(bad):
    out = run('tools/analysis_tools/results_table.py', '--method', bad)
    assert out.returncode != 0 and 'NAME=CSV' in out.stderr


def test_results_table_seeds_mean_and_spread(tmp_path):
    write_csv(tmp_path / 'base.csv', [['x', 6.5, 2], ['y', 6.5, 2]])
    write_csv(tmp_path / 's0.csv', [['x', 7, 1], ['y', 7, 1]])
    write_csv(tmp_path / 's1.csv', [['x', 5, 3], ['y', 5, 5]])
    seeds = f'{tmp_path / "s0.csv"},{tmp_path / "s1.csv"}'
    out = run('tools/analysis_tools/results_table.py', '--metrics', 'EN', 'MI',
              '--method', f'base={tmp_path / "base.csv"}', '--method',
              f'net={seeds}', '--baselines', 'base')
    assert out.returncode == 0, out.stderr[-2000:]
    # EN: seeds 7 and 5 -> 6 ± 1.4; MI: seeds 1 and 4 -> 2.5 ± 2.1
    assert '| base | **6.5** | 2 |' in out.stdout
    assert '| net | 6 | **2.5** |' in out.stdout
    assert '| ± std over seeds | 1.4 | 2.1 |' in out.stdout
    assert 'net vs base: higher on 1/2 (MI); not on EN' in out.stdout
    write_csv(tmp_path / 's2.csv', [['x', 7, 1]])
    out = run('tools/analysis_tools/results_table.py', '--metrics', 'EN',
              '--method', f'net={tmp_path / "s0.csv"},{tmp_path / "s2.csv"}')
    assert out.returncode != 0 and 'different images' in out.stderr
