"""Train a model from a config, exactly like mmseg's ``tools/train.py``.

    python tools/train.py CONFIG [--work-dir DIR] [--resume] [--amp]
        [--amp-dtype float16|bfloat16] [--channels-last] [--compile]
        [--cfg-options key=value ...] [--launcher none|pytorch|slurm|mpi]
"""
import argparse
import os

from mmengine.config import DictAction

import segfanet_mm  # noqa: F401  (patches mmseg before it is used)
from segfanet_mm.apis import (build_runner, enable_amp, enable_speed_options,
                              finish_distributed, load_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a SegFANet model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        action='store_true',
        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='mixed precision: fp16 on GPU, bfloat16 autocast on CPU')
    parser.add_argument(
        '--amp-dtype',
        choices=['float16', 'bfloat16'],
        default='float16',
        help='autocast dtype of --amp on GPU (CPU always uses bfloat16)')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='run the model in channels-last (NHWC) memory format')
    parser.add_argument(
        '--compile',
        action='store_true',
        help='torch.compile the training step (cfg.compile = True)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings in the config, key=value (mmseg syntax)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options, args.work_dir,
                      args.launcher)
    if args.amp:
        enable_amp(cfg, args.amp_dtype)
    enable_speed_options(cfg, args.channels_last, args.compile)
    cfg.resume = args.resume
    runner = build_runner(cfg)
    runner.train()
    finish_distributed()


if __name__ == '__main__':
    main()
