"""Test (and evaluate) a checkpoint, like mmseg's ``tools/test.py``.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out DIR]
        [--show-dir DIR] [--show] [--cfg-options ...] [--launcher ...]

``--out DIR`` and ``--show-dir DIR`` write, for every test image, the fused
luminance, the fused colour image and the segmentation map under its stem
(``DIR/fused``, ``DIR/fused_rgb``, ``DIR/seg``); ``--show-dir`` also turns on
mmseg's segmentation overlays, as in mmseg.

Unlike mmseg, the checkpoint loads strictly (``StrictLoadHook``): one that
does not fit the config, or holds NaN/Inf weights, stops the run with a
one-line message naming the tensors.
"""
import argparse
import os
import os.path as osp
import sys

from mmengine.config import DictAction

import segfanet_mm  # noqa: F401  (patches mmseg before it is used)
from segfanet_mm.apis import build_runner, finish_distributed, load_config
from segfanet_mm.utils.checkpoint_checks import (CheckpointMismatchError,
                                                 NonFiniteWeightsError)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a SegFANet model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for logs and metrics')
    parser.add_argument(
        '--out', help='write fused images and segmentation maps here')
    parser.add_argument(
        '--show-dir',
        help='write fused images, segmentation maps and mmseg overlays here')
    parser.add_argument(
        '--show', action='store_true', help='show overlays in a window')
    parser.add_argument(
        '--wait-time', type=float, default=2, help='interval of show (s)')
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
    if not osp.isfile(args.checkpoint):
        sys.exit(f'checkpoint {args.checkpoint} does not exist')
    cfg = load_config(args.config, args.cfg_options, args.work_dir,
                      args.launcher)
    cfg.load_from = args.checkpoint
    if args.show or args.show_dir:
        hook = cfg.default_hooks.get('visualization')
        if hook is None:
            sys.exit('--show/--show-dir need default_hooks.visualization')
        hook['draw'] = True
        if args.show:
            hook['show'] = True
            hook['wait_time'] = args.wait_time
        if args.show_dir:
            cfg.visualizer['save_dir'] = args.show_dir
    cfg.custom_hooks = list(cfg.get('custom_hooks',
                                    [])) + [dict(type='StrictLoadHook')]
    out_dir = args.out or args.show_dir
    if out_dir:
        cfg.custom_hooks.append(
            dict(type='SaveFusionResultsHook', out_dir=out_dir))
    runner = build_runner(cfg)
    try:
        runner.test()
    except (CheckpointMismatchError, NonFiniteWeightsError) as err:
        sys.exit(str(err))
    finish_distributed()


if __name__ == '__main__':
    main()
