"""If one rank of a 2-process CPU run raises, the job fails fast."""
import time

import pytest
from tool_runs import free_port, run_tool


@pytest.mark.slow
def test_one_failing_rank_ends_the_job(tmp_path, demo_root):
    start = time.time()
    out = run_tool([
        'bash', 'tools/dist_train.sh', 'tests/fixtures/tiny_rank_failure.py',
        '2', '--work-dir',
        str(tmp_path), '--cfg-options', f'data_root={demo_root}'
    ],
                   env=dict(PORT=str(free_port()), OMP_NUM_THREADS='1'),
                   fixtures=True,
                   timeout=300)
    elapsed = time.time() - start
    assert out.returncode != 0
    assert 'injected failure on rank 1' in out.stdout + out.stderr
    assert elapsed < 240
