"""tools/dist_train.sh on CPU: 2 processes on one node, and 2 nodes."""
import os
import socket
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The early-fusion baseline at reduced width (tests/fixtures/tiny_baseline.py).
BASELINE = 'tests/fixtures/tiny_baseline.py'
OPTS = [
    '--cfg-options', 'train_cfg.max_iters=4', 'train_cfg.val_interval=4',
    'default_hooks.checkpoint.interval=4'
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(work, nproc, env):
    return subprocess.Popen([
        'bash', 'tools/dist_train.sh', BASELINE,
        str(nproc), '--work-dir',
        str(work), *OPTS
    ],
                            cwd=REPO,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            env=dict(
                                os.environ,
                                OMP_NUM_THREADS='1',
                                PYTHONPATH=str(REPO / 'tests' / 'fixtures'),
                                **env))


# A rank sometimes aborts at interpreter exit, after training, validation
# and the last checkpoint are done (torch 2.13, gloo; seen on CPU here in
# about 1 run in 10, also with destroy_process_group() before exit). Until
# its cause is found, a run that ends only with this abort is retried once
# with a fresh port; any other failure fails the test at once.
TEARDOWN_ABORT = 'terminate called without an active exception'


def run_with_retry(start):
    """Outputs of the processes ``start()`` launches, retried once when a
    process ended with the teardown abort only."""
    for attempt in range(2):
        procs = start()
        outs = [p.communicate(timeout=600)[0] for p in procs]
        aborted = [
            p.returncode != 0 and TEARDOWN_ABORT in out
            for p, out in zip(procs, outs)
        ]
        if attempt or not any(aborted):
            return procs, outs
    return procs, outs


def test_two_processes_one_node(tmp_path, demo_root):
    procs, outs = run_with_retry(
        lambda: [launch(tmp_path, 2, dict(PORT=str(free_port())))])
    proc, out = procs[0], outs[0]
    assert proc.returncode == 0, out[-4000:]
    assert 'Distributed training: True' in out
    assert (tmp_path / 'iter_4.pth').is_file()
    assert 'mIoU' in out


def test_two_nodes_on_loopback(tmp_path, demo_root):

    def start():
        env = dict(NNODES='2', MASTER_ADDR='127.0.0.1', PORT=str(free_port()))
        return [
            launch(tmp_path, 1, dict(env, NODE_RANK=str(rank)))
            for rank in (0, 1)
        ]

    procs, outs = run_with_retry(start)
    for p, out in zip(procs, outs):
        assert p.returncode == 0, out[-4000:]
    assert 'world_size: 2' in outs[0] or "'WORLD_SIZE': '2'" in outs[0] or \
        'Distributed training: True' in outs[0]
    assert (tmp_path / 'iter_4.pth').is_file()
