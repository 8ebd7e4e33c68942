"""Inference and training speed of a config, on CPU or GPU.

    python tools/analysis_tools/benchmark.py CONFIG [CHECKPOINT]
        [--shape 480 640] [--batch 1] [--runs 20] [--warmup 3]
        [--device cpu|cuda] [--threads 2] [--train] [--train-iters 20]
        [--crop 128 128] [--train-batch 4] [--train-workers N]
        [--channels-last] [--amp] [--skip-inference]
        [--memory-scaling] [--sizes 240x320 480x640 ...] [--tile 512]

Inference: latency (median of ``--runs`` after ``--warmup``) and throughput
of ``model.predict`` on a (batch, 4, H, W) input, peak memory (process peak
RSS on CPU, ``max_memory_allocated`` on GPU), and a plain ``torch.nn``
average-fusion model on the same input as a floor.

Memory scaling (``--memory-scaling``): the extra memory one ``model.predict``
of a 1 x 4 x H x W input needs, per size in ``--sizes``, in whole-image mode
and in slide mode (``--tile`` windows, 3/4 stride:
``segfanet_mm.apis.inference.slide_test_cfg``, as ``tools/fuse.py`` uses).
Each (size, mode) runs in a fresh process, because a process's peak RSS
never goes down: the extra memory is the peak after ``predict`` minus what
the process holds after imports, building the model and one 64 x 64
warm-up ``predict`` (CPU: peak RSS minus current RSS; GPU:
``max_memory_allocated`` minus ``memory_allocated``). The input tensor is
allocated after that baseline, so it counts (16 bytes per pixel).

Training (``--train``): mmengine's Runner on the config's own dataloader and
hooks, interleaved in one process with a plain PyTorch loop (data
preprocessor, loss, backward, optimizer step) on the very batch of each
iteration, so that noise from other jobs hits both alike. The plain step runs
alternately just before and just after mmengine's iteration and is hidden
from mmengine's ``IterTimerHook``; medians of mmengine's step (split into
data time and compute as mmengine logs them), of ``model.train_step`` alone
and of the plain step give the overhead of the loop and hooks and of
``train_step`` itself.

The allocator setting (``GLIBC_TUNABLES``) is printed: compare numbers only
within one run / one setting.
"""
import argparse
import copy
import gc
import json
import os
import os.path as osp
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Dict, List, Optional, Tuple

import torch
from mmengine.config import DictAction
from mmengine.hooks import Hook, IterTimerHook
from mmseg.structures import SegDataSample
from torch import nn

import segfanet_mm  # noqa: F401
from segfanet_mm.apis import build_runner, init_fusion_model, load_config
from segfanet_mm.apis.inference import slide_test_cfg
from segfanet_mm.models import ClassicalFusion

DEFAULT_SIZES = ['240x320', '480x640', '960x1280', '1920x2560', '2880x3840']


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux: ru_maxrss is
    in KiB), in MB of 2**20 bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident set size now (Linux ``/proc/self/statm``), in MB."""
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf('SC_PAGE_SIZE') / 2**20


def sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def time_runs(fn: Callable, runs: int, warmup: int,
              device: str) -> List[float]:
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - start)
    return times


def samples_for(batch: int, h: int, w: int) -> List[SegDataSample]:
    """Data samples with the metainfo ``model.predict`` restores to."""
    return [
        SegDataSample(
            metainfo=dict(
                ori_shape=(h, w), img_shape=(h, w), pad_shape=(h, w)))
        for _ in range(batch)
    ]


def benchmark_inference(args, model: nn.Module) -> None:
    h, w = args.shape
    inputs = torch.rand(args.batch, 4, h, w, device=args.device)
    samples = samples_for(args.batch, h, w)
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
        inputs = inputs.contiguous(memory_format=torch.channels_last)
    dtype = torch.bfloat16 if args.amp else None
    device_type = 'cuda' if args.device.startswith('cuda') else 'cpu'

    def predict():
        with torch.inference_mode(), torch.autocast(
                device_type, dtype=dtype or torch.float32, enabled=args.amp):
            model.predict(inputs, copy.deepcopy(samples))

    floor = ClassicalFusion('mean').to(args.device)

    def average():
        with torch.inference_mode():
            floor(inputs)

    rss_before = peak_rss_mb()
    if device_type == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    model_times = time_runs(predict, args.runs, args.warmup, args.device)
    memory = (
        torch.cuda.max_memory_allocated() /
        2**20 if device_type == 'cuda' else peak_rss_mb())
    floor_times = time_runs(average, args.runs, args.warmup, args.device)
    med, flo = statistics.median(model_times), statistics.median(floor_times)
    mem_name = 'max_memory_allocated' if device_type == 'cuda' \
        else f'peak RSS (before timing {rss_before:.0f} MB)'
    print(f'inference {args.batch}x4x{h}x{w}: median {med * 1e3:.1f} ms '
          f'(min {min(model_times) * 1e3:.1f}), {args.batch / med:.2f} '
          f'images/s, {mem_name} {memory:.0f} MB')
    print(f'average-fusion floor: median {flo * 1e3:.2f} ms')


def parse_size(text: str) -> Tuple[int, int]:
    """'480x640' -> (480, 640): height x width."""
    h, w = text.lower().split('x')
    return int(h), int(w)


def memory_probe(args) -> None:
    """One point of ``--memory-scaling``, run in a fresh process: print, as
    one JSON line, the memory held before the measured ``predict`` and the
    peak during it (MB)."""
    h, w = parse_size(args.memory_probe[0])
    model = init_fusion_model(args.config, args.checkpoint, args.device)
    model.test_cfg = dict(mode='whole') if args.memory_probe[1] == 'whole' \
        else slide_test_cfg(args.tile)
    cuda = args.device.startswith('cuda')

    def predict(height: int, width: int) -> None:
        inputs = torch.rand(1, 4, height, width, device=args.device)
        with torch.inference_mode():
            model.predict(inputs, samples_for(1, height, width))

    predict(64, 64)
    gc.collect()
    if cuda:
        sync(args.device)
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated() / 2**20
    else:
        base = current_rss_mb()
    predict(h, w)
    sync(args.device)
    peak = torch.cuda.max_memory_allocated() / 2**20 if cuda \
        else peak_rss_mb()
    print(json.dumps(dict(base_mb=base, peak_mb=peak)))


def probe_extra_mb(args, size: str, mode: str) -> Optional[float]:
    """Extra MB of one ``predict`` at ``size`` in ``mode``, measured by
    :func:`memory_probe` in a child process; None if the child failed (e.g.
    killed for lack of memory), whose error is then printed."""
    command = [
        sys.executable,
        osp.abspath(__file__), args.config,
        *([args.checkpoint] if args.checkpoint else []), '--device',
        args.device, '--threads',
        str(args.threads), '--tile',
        str(args.tile), '--memory-probe', size, mode
    ]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        print(f'{size} {mode}: failed with exit code {out.returncode}\n'
              f'{out.stderr[-2000:]}')
        return None
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    return probe['peak_mb'] - probe['base_mb']


def benchmark_memory_scaling(args) -> None:
    """Table of the extra memory of one ``predict`` against image area, in
    whole-image and slide mode: whole mode should grow in proportion to the
    area (constant MB per megapixel), slide mode level off beyond the tile
    (apart from the full-size input, output and blending buffers)."""
    what = 'max_memory_allocated - memory_allocated' if \
        args.device.startswith('cuda') else 'peak RSS - RSS'
    print(f'memory of one predict (1 x 4 x H x W), {what} before it, '
          f'slide tiles {args.tile} stride {args.tile * 3 // 4}:')
    print('| size (H x W) | megapixels | whole: extra MB | whole: MB/MP '
          '| slide: extra MB | slide: MB/MP |')
    print('| --- | ---: | ---: | ---: | ---: | ---: |')

    def cells(extra: Optional[float], mp: float) -> str:
        return 'failed | -' if extra is None else \
            f'{extra:.0f} | {extra / mp:.0f}'

    for size in args.sizes:
        h, w = parse_size(size)
        mp = h * w / 1e6
        whole = probe_extra_mb(args, size, 'whole')
        slide = probe_extra_mb(args, size, 'slide')
        print(
            f'| {h} x {w} | {mp:.2f} | {cells(whole, mp)} | '
            f'{cells(slide, mp)} |',
            flush=True)


class InterleavedPlainSteps(Hook):
    """Runs a plain PyTorch step on each training iteration's own batch,
    alternately just before (even iterations) and just after (odd) mmengine's
    iteration, and hides its time from ``IterTimerHook`` (whose clock is
    moved forward by it), so mmengine's ``train/time`` and
    ``train/data_time`` stay those of mmengine alone. Also times
    ``model.train_step`` (data preprocessor, forward, ``parse_losses``,
    ``optim_wrapper.update_params``), to split mmengine's overhead into that
    of ``train_step`` and that of the loop and hooks around it.

    Highest priority: the plain step then runs before every other hook of
    ``before_train_iter`` and ``after_train_iter``, so inside the interval
    that ``IterTimerHook`` measures.
    """
    priority = 'HIGHEST'

    def __init__(self, plain_step: Callable[[dict], None],
                 device: str) -> None:
        self.plain_step = plain_step
        self.device = device
        self.plain: List[float] = []
        self.train_step: List[float] = []
        self.timer: Optional[IterTimerHook] = None

    def before_train(self, runner) -> None:
        self.timer = next(
            h for h in runner.hooks if isinstance(h, IterTimerHook))
        train_step = runner.model.train_step

        def timed_train_step(*args, **kwargs) -> Dict[str, torch.Tensor]:
            start = time.perf_counter()
            outputs = train_step(*args, **kwargs)
            sync(self.device)
            self.train_step.append(time.perf_counter() - start)
            return outputs

        runner.model.train_step = timed_train_step

    def _plain(self, data_batch: dict) -> None:
        start = time.perf_counter()
        self.plain_step(data_batch)
        sync(self.device)
        elapsed = time.perf_counter() - start
        self.plain.append(elapsed)
        self.timer.t += elapsed

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch: Optional[dict] = None) -> None:
        if batch_idx % 2 == 0:
            self._plain(data_batch)

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        if batch_idx % 2 == 1:
            self._plain(data_batch)


def benchmark_training(args) -> None:
    cfg = load_config(args.config, args.cfg_options)
    cfg.work_dir = tempfile.mkdtemp(prefix='segfanet_bench_')
    cfg.train_cfg = dict(
        type='IterBasedTrainLoop',
        max_iters=args.warmup + args.train_iters,
        val_interval=10**9)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=10**9, save_last=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=10**9)
    cfg.train_dataloader.batch_size = args.train_batch
    if args.train_workers is not None:
        cfg.train_dataloader.num_workers = args.train_workers
        cfg.train_dataloader.persistent_workers = args.train_workers > 0
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] in ('RandomCrop', 'IVFRandomCrop'):
            step['crop_size'] = tuple(args.crop)
    if args.amp:
        from segfanet_mm.apis import enable_amp
        enable_amp(cfg)
    runner = build_runner(cfg)
    model = runner.model

    def plain_step(batch: dict) -> None:
        # runner.train() builds the optimizer, so look it up here.
        optimizer = runner.optim_wrapper.optimizer
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    timing = InterleavedPlainSteps(plain_step, args.device)
    runner.register_hook(timing)
    runner.train()
    hub = runner.message_hub
    step = hub.get_scalar('train/time').data[0][args.warmup:]
    data = hub.get_scalar('train/data_time').data[0][args.warmup:]
    compute = [s - d for s, d in zip(step, data)]
    train_step = timing.train_step[args.warmup:]
    plain = timing.plain[args.warmup:]
    med = statistics.median
    step_med, data_med = med(step), med(data)
    compute_med, plain_med = med(compute), med(plain)
    # Each mmengine iteration and its plain step ran back to back on the
    # same batch: their ratio cancels the machine's slower drifts in load.
    paired = med(c / p for c, p in zip(compute, plain))
    paired_train_step = med(t / p for t, p in zip(train_step, plain))
    workers = cfg.train_dataloader.num_workers
    print(f'training {args.train_batch}x4x{args.crop[0]}x{args.crop[1]}, '
          f'{workers} workers, {len(step)} iterations, each with a plain '
          'step on its batch (medians):')
    print(f'  mmengine step {step_med * 1e3:.1f} ms = data '
          f'{data_med * 1e3:.1f} ms ({100 * data_med / step_med:.1f}%) + '
          f'compute {compute_med * 1e3:.1f} ms; model.train_step '
          f'{med(train_step) * 1e3:.1f} ms, loop and hooks around it '
          f'{med(c - t for c, t in zip(compute, train_step)) * 1e3:.2f} ms')
    print(f'  plain PyTorch step {plain_med * 1e3:.1f} ms')
    print(f'  mmengine overhead: compute vs plain '
          f'{100 * (compute_med / plain_med - 1):+.1f}% (ratio of medians), '
          f'{100 * (paired - 1):+.1f}% (median of paired ratios); '
          f'train_step vs plain {100 * (paired_train_step - 1):+.1f}% '
          '(paired)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint', nargs='?')
    parser.add_argument('--shape', type=int, nargs=2, default=[480, 640])
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--channels-last', action='store_true')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='bfloat16 autocast (inference and training)')
    parser.add_argument('--train', action='store_true')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config for --train, key=value '
        '(mmseg syntax), e.g. data_root=DIR')
    parser.add_argument('--train-iters', type=int, default=20)
    parser.add_argument('--train-batch', type=int, default=4)
    parser.add_argument(
        '--train-workers',
        type=int,
        help="dataloader workers (default: the config's)")
    parser.add_argument('--crop', type=int, nargs=2, default=[128, 128])
    parser.add_argument('--skip-inference', action='store_true')
    parser.add_argument(
        '--memory-scaling',
        action='store_true',
        help='extra memory of one predict per image size, '
        'whole-image vs slide mode (one process each)')
    parser.add_argument(
        '--sizes',
        nargs='+',
        default=DEFAULT_SIZES,
        help='HxW sizes for --memory-scaling')
    parser.add_argument(
        '--tile',
        type=int,
        default=512,
        help='slide-mode window for --memory-scaling')
    parser.add_argument(
        '--memory-probe',
        nargs=2,
        metavar=('HxW', 'MODE'),
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.memory_probe:
        memory_probe(args)
        return
    print(f'machine: {platform.processor() or platform.machine()}, '
          f'{os.cpu_count()} CPUs, torch {torch.__version__}, '
          f'{args.threads} threads, GLIBC_TUNABLES='
          f'{os.environ.get("GLIBC_TUNABLES", "(unset)")}, device '
          f'{args.device}')
    if not args.skip_inference:
        model = init_fusion_model(args.config, args.checkpoint, args.device)
        benchmark_inference(args, model)
    if args.memory_scaling:
        benchmark_memory_scaling(args)
    if args.train:
        benchmark_training(args)


if __name__ == '__main__':
    main()
