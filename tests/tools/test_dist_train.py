"""tools/dist_train.sh on CPU: 2 processes on one node, and 2 nodes."""
import subprocess

import pytest
from data_paths import REPO_ROOT
from tool_runs import free_port, run_tool, tool_env

# The early-fusion baseline at reduced width (tests/fixtures/tiny_baseline.py).
BASELINE = 'tests/fixtures/tiny_baseline.py'
OPTS = [
    '--cfg-options', 'train_cfg.max_iters=4', 'train_cfg.val_interval=4',
    'default_hooks.checkpoint.interval=4'
]


def launch(work, nproc, env, demo_root):
    return subprocess.Popen([
        'bash', 'tools/dist_train.sh', BASELINE,
        str(nproc), '--work-dir',
        str(work), *OPTS, f'data_root={demo_root}'
    ],
                            cwd=REPO_ROOT,
                            stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            text=True,
                            env=tool_env(
                                dict(OMP_NUM_THREADS='1', **env),
                                fixtures=True))


def finish(procs):
    """Outputs of the launched processes, once they have all ended."""
    return procs, [p.communicate(timeout=600)[0] for p in procs]


@pytest.fixture(scope='module')
def two_process_run(tmp_path_factory, demo_root):
    """A 4-iteration run of 2 CPU processes on one node: (status, log,
    work_dir)."""
    work = tmp_path_factory.mktemp('two_processes')
    procs, outs = finish(
        [launch(work, 2, dict(PORT=str(free_port())), demo_root)])
    return procs[0].returncode, outs[0], work


@pytest.mark.slow
def test_two_processes_one_node(two_process_run):
    status, out, work = two_process_run
    assert status == 0, out[-4000:]
    assert 'Distributed training: True' in out
    assert (work / 'iter_4.pth').is_file()
    assert 'mIoU' in out


@pytest.mark.slow
def test_two_nodes_on_loopback(tmp_path, demo_root):

    def start():
        env = dict(NNODES='2', MASTER_ADDR='127.0.0.1', PORT=str(free_port()))
        return [
            launch(tmp_path, 1, dict(env, NODE_RANK=str(rank)), demo_root)
            for rank in (0, 1)
        ]

    procs, outs = finish(start())
    for p, out in zip(procs, outs):
        assert p.returncode == 0, out[-4000:]
    assert 'world_size: 2' in outs[0] or "'WORLD_SIZE': '2'" in outs[0] or \
        'Distributed training: True' in outs[0]
    assert (tmp_path / 'iter_4.pth').is_file()


@pytest.mark.slow
def test_dist_test_two_processes(two_process_run, tmp_path, demo_root):
    """tools/dist_test.sh shares the 16 validation images between 2 ranks,
    gathers the metric on rank 0, and every rank exits with status 0."""
    status, train_log, work = two_process_run
    assert status == 0, train_log[-4000:]
    out = run_tool([
        'bash', 'tools/dist_test.sh', BASELINE,
        str(work / 'iter_4.pth'), '2', '--work-dir',
        str(tmp_path / 'test'), '--out',
        str(tmp_path / 'out'), '--cfg-options', f'data_root={demo_root}'
    ],
                   env=dict(OMP_NUM_THREADS='1', PORT=str(free_port())),
                   fixtures=True)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-4000:]
    assert 'Iter(test) [8/8]' in log and 'mIoU' in log
    assert len(list((tmp_path / 'out' / 'seg').glob('*.png'))) == 16
