"""The schedules' poly decay ends at train_cfg.max_iters (no ``end`` in the
configs), and a run shorter than the warm-up leaves it out
(SegFANetRunner.build_param_scheduler)."""
import pytest

from segfanet_mm.apis import build_runner, load_config

CONFIG = 'configs/segfanet/segfanet-s_1xb4-400i_demo-128x128.py'


def schedulers(tmp_path, demo_root, max_iters=None):
    options = {
        'data_root': demo_root,
        'train_dataloader.num_workers': 0,
        'train_dataloader.persistent_workers': False
    }
    if max_iters is not None:
        options['train_cfg.max_iters'] = max_iters
    runner = build_runner(load_config(CONFIG, options, str(tmp_path)))
    runner._train_loop = runner.build_train_loop(runner._train_loop)
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    return runner.build_param_scheduler(runner.param_schedulers)


@pytest.mark.parametrize('max_iters', [None, 1000])
def test_decay_ends_at_the_last_iteration(tmp_path, demo_root, max_iters):
    warmup, decay = schedulers(tmp_path, demo_root, max_iters)
    assert (type(warmup).__name__, warmup.begin, warmup.end) == ('LinearLR', 0,
                                                                 50)
    assert (type(decay).__name__, decay.begin, decay.end) == ('PolyLR', 50,
                                                              max_iters or 400)


def test_a_run_shorter_than_the_warm_up_keeps_its_rates(tmp_path, demo_root):
    (warmup, ) = schedulers(tmp_path, demo_root, max_iters=4)
    optimizer = warmup.optimizer
    rates = []
    for _ in range(4):
        rates.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        warmup.step()
    # LinearLR from 0.1 x 2e-3 (full rate at iteration 49, mmengine's
    # end - 1), as with the decay configured to begin at 50
    assert rates == pytest.approx(
        [2e-3 * (0.1 + 0.9 * i / 49) for i in range(4)])
