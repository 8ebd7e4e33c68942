"""If one rank of a 2-process CPU run raises, the job fails fast."""
import os
import socket
import subprocess
import time

import pytest
from data_paths import REPO_ROOT


@pytest.mark.slow
def test_one_failing_rank_ends_the_job(tmp_path, demo_root):
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    env = dict(
        os.environ,
        PORT=str(port),
        OMP_NUM_THREADS='1',
        PYTHONPATH=str(REPO_ROOT / 'tests' / 'fixtures'))
    start = time.time()
    out = subprocess.run([
        'bash', 'tools/dist_train.sh', 'tests/fixtures/tiny_rank_failure.py',
        '2', '--work-dir',
        str(tmp_path), '--cfg-options', f'data_root={demo_root}'
    ],
                         cwd=REPO_ROOT,
                         env=env,
                         capture_output=True,
                         text=True,
                         timeout=300)
    elapsed = time.time() - start
    assert out.returncode != 0
    assert 'injected failure on rank 1' in out.stdout + out.stderr
    assert elapsed < 240
