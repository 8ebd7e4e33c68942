"""Inference and training speed of a config, on CPU or GPU.

    python tools/analysis_tools/benchmark.py CONFIG [CHECKPOINT]
        [--shape 480 640] [--batch 1] [--runs 20] [--warmup 3]
        [--device cpu|cuda] [--threads 2] [--train] [--train-iters 20]
        [--crop 128 128] [--train-batch 4] [--channels-last] [--amp]

Inference: latency (median of ``--runs`` after ``--warmup``) and throughput
of ``model.predict`` on a (batch, 4, H, W) input, peak memory (process peak
RSS on CPU, ``max_memory_allocated`` on GPU), and a plain ``torch.nn``
average-fusion model on the same input as a floor. Training (``--train``):
median step time of mmengine's Runner on the config's own dataloader (with
its default number of workers), split into data time and compute time as
mmengine logs them, next to a plain PyTorch loop (data preprocessor, loss,
backward, optimizer step) over the same model and pre-fetched batches.
The allocator setting (``GLIBC_TUNABLES``) is printed: compare numbers only
within one run / one setting.
"""
import argparse
import copy
import os
import os.path as osp
import platform
import resource
import statistics
import sys
import tempfile
import time
from typing import Callable, List

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import segfanet_mm  # noqa: E402,F401
import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from mmseg.structures import SegDataSample  # noqa: E402
from torch import nn  # noqa: E402

from segfanet_mm.apis import ClassicalFusion, init_fusion_model  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def time_runs(fn: Callable, runs: int, warmup: int, device: str) -> List[float]:
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


def benchmark_inference(args, model: nn.Module) -> None:
    h, w = args.shape
    inputs = torch.rand(args.batch, 4, h, w, device=args.device)
    samples = [SegDataSample(metainfo=dict(ori_shape=(h, w), img_shape=(h, w),
                                           pad_shape=(h, w)))
               for _ in range(args.batch)]
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
        inputs = inputs.contiguous(memory_format=torch.channels_last)
    dtype = torch.bfloat16 if args.amp else None
    device_type = 'cuda' if args.device.startswith('cuda') else 'cpu'

    def predict():
        with torch.inference_mode(), torch.autocast(
                device_type, dtype=dtype or torch.float32,
                enabled=args.amp):
            model.predict(inputs, copy.deepcopy(samples))

    floor = ClassicalFusion('mean').to(args.device)

    def average():
        with torch.inference_mode():
            floor(inputs)

    rss_before = peak_rss_mb()
    if device_type == 'cuda':
        torch.cuda.reset_peak_memory_stats()
    model_times = time_runs(predict, args.runs, args.warmup, args.device)
    memory = (torch.cuda.max_memory_allocated() / 2**20
              if device_type == 'cuda' else peak_rss_mb())
    floor_times = time_runs(average, args.runs, args.warmup, args.device)
    med, flo = statistics.median(model_times), statistics.median(floor_times)
    mem_name = 'max_memory_allocated' if device_type == 'cuda' \
        else f'peak RSS (before timing {rss_before:.0f} MB)'
    print(f'inference {args.batch}x4x{h}x{w}: median {med * 1e3:.1f} ms '
          f'(min {min(model_times) * 1e3:.1f}), {args.batch / med:.2f} '
          f'images/s, {mem_name} {memory:.0f} MB')
    print(f'average-fusion floor: median {flo * 1e3:.2f} ms')


def benchmark_training(args) -> None:
    cfg = Config.fromfile(args.config)
    cfg.work_dir = tempfile.mkdtemp(prefix='segfanet_bench_')
    cfg.train_cfg = dict(type='IterBasedTrainLoop',
                         max_iters=args.warmup + args.train_iters,
                         val_interval=10**9)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.test_cfg = cfg.test_dataloader = cfg.test_evaluator = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook',
                                        interval=10**9)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=10**9)
    cfg.custom_hooks = []
    cfg.train_dataloader.batch_size = args.train_batch
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] in ('RandomCrop', 'IVFRandomCrop'):
            step['crop_size'] = tuple(args.crop)
    if args.amp:
        from segfanet_mm.apis import enable_amp
        enable_amp(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()
    hub = runner.message_hub
    step = hub.get_scalar('train/time').data[0][args.warmup:]
    data = hub.get_scalar('train/data_time').data[0][args.warmup:]
    step_med, data_med = statistics.median(step), statistics.median(data)
    compute = [s - d for s, d in zip(step, data)]
    compute_med = statistics.median(compute)

    # Plain PyTorch over the same model and pre-fetched batches.
    model = runner.model
    optimizer = runner.optim_wrapper.optimizer
    loader = runner.train_loop.dataloader_iterator
    batches = [next(loader) for _ in range(args.train_iters)]
    model.train()

    def plain_step(batch):
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    plain = []
    for i in range(args.warmup + args.train_iters):
        batch = batches[i % len(batches)]
        start = time.perf_counter()
        plain_step(batch)
        sync(args.device)
        if i >= args.warmup:
            plain.append(time.perf_counter() - start)
    plain_med = statistics.median(plain)
    print(f'training {args.train_batch}x4x{args.crop[0]}x{args.crop[1]}: '
          f'mmengine step {step_med * 1e3:.1f} ms = data '
          f'{data_med * 1e3:.1f} ms ({100 * data_med / step_med:.1f}%) + '
          f'compute {compute_med * 1e3:.1f} ms; plain PyTorch step '
          f'{plain_med * 1e3:.1f} ms; mmengine overhead '
          f'{100 * (compute_med / plain_med - 1):+.1f}% (compute vs plain)')


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
    parser.add_argument('--amp', action='store_true',
                        help='bfloat16 autocast (inference and training)')
    parser.add_argument('--train', action='store_true')
    parser.add_argument('--train-iters', type=int, default=20)
    parser.add_argument('--train-batch', type=int, default=4)
    parser.add_argument('--crop', type=int, nargs=2, default=[128, 128])
    parser.add_argument('--skip-inference', action='store_true')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f'machine: {platform.processor() or platform.machine()}, '
          f'{os.cpu_count()} CPUs, torch {torch.__version__}, '
          f'{args.threads} threads, GLIBC_TUNABLES='
          f'{os.environ.get("GLIBC_TUNABLES", "(unset)")}, device '
          f'{args.device}')
    if not args.skip_inference:
        model = init_fusion_model(args.config, args.checkpoint, args.device)
        benchmark_inference(args, model)
    if args.train:
        benchmark_training(args)


if __name__ == '__main__':
    main()
