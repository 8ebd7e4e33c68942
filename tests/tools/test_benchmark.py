"""tools/analysis_tools/benchmark.py: memory-scaling and training modes run
end to end and print their rows (no timing assertions: timings are noisy)."""
import re
import sys

import pytest
from tool_runs import call_tool, run_tool

SCRIPT = 'tools/analysis_tools/benchmark.py'
CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'
NUMBER = r'([+-]?[0-9.]+)'


def run_benchmark(*args: str, in_process: bool = False) -> str:
    """Run benchmark.py; ``in_process``: in this process (no Runner is
    built: the memory probes it starts are processes of their own)."""
    args = (SCRIPT, CONFIG, '--skip-inference', '--threads', '1', *args)
    out = call_tool(*args) if in_process else run_tool(
        [sys.executable, *map(str, args)], timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout


@pytest.mark.slow
def test_memory_scaling_rows():
    stdout = run_benchmark(
        '--memory-scaling',
        '--sizes',
        '160x192',
        '240x320',
        '--tile',
        '128',
        in_process=True)
    rows = re.findall(
        rf'^\| (\d+) x (\d+) \| {NUMBER} \| {NUMBER} \| {NUMBER} \| '
        rf'{NUMBER} \| {NUMBER} \|$', stdout, re.M)
    assert [(int(h), int(w)) for h, w, *_ in rows] == [(160, 192), (240, 320)]
    for h, w, mp, *values in rows:
        assert float(mp) == pytest.approx(int(h) * int(w) / 1e6, abs=0.01)
        assert all(float(v) > 0 for v in values), stdout


@pytest.mark.slow
def test_training_interleaved(demo_root):
    stdout = run_benchmark('--train', '--train-iters', '4', '--warmup', '1',
                           '--crop', '32', '32', '--train-batch', '2',
                           '--train-workers', '0', '--cfg-options',
                           f'data_root={demo_root}')
    assert re.search(r'^training 2x4x32x32, 0 workers, 4 iterations', stdout,
                     re.M), stdout
    step = re.search(
        rf'mmengine step {NUMBER} ms = data {NUMBER} ms \({NUMBER}%\) \+ '
        rf'compute {NUMBER} ms; model.train_step {NUMBER} ms', stdout)
    plain = re.search(rf'plain PyTorch step {NUMBER} ms', stdout)
    overhead = re.search(
        rf'compute vs plain {NUMBER}% \(ratio of medians\), {NUMBER}% '
        rf'\(median of paired ratios\); train_step vs plain {NUMBER}%', stdout)
    assert step and plain and overhead, stdout
    assert all(float(v) > 0 for v in step.groups() + plain.groups())
