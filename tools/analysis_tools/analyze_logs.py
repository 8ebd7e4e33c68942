"""Plot every loss term and metric of a training run over iterations.

    python tools/analysis_tools/analyze_logs.py WORK_DIR_OR_SCALARS_JSON
        [--out curves.png] [--keys loss_fus_int mIoU ...]

Reads mmengine's ``vis_data/scalars.json`` (all runs in a work_dir, so a
resumed run is one curve) and draws one subplot per key: training losses
against the training iteration, validation metrics against the iteration
at which validation ran.
"""
import argparse
import glob
import json
import os.path as osp
from collections import defaultdict
from typing import Dict, List, Tuple

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402

SKIP = {'iter', 'step', 'epoch', 'lr', 'time', 'data_time', 'memory', 'eta'}


def find_scalar_logs(path: str) -> List[str]:
    if osp.isfile(path):
        return [path]
    logs = sorted(glob.glob(osp.join(path, '*', 'vis_data', 'scalars.json')))
    if not logs:
        raise SystemExit(f'error: no */vis_data/scalars.json under {path}')
    return logs


def read_curves(logs: List[str]) -> Dict[str, List[Tuple[int, float]]]:
    """key -> [(iteration, value)], later runs overriding earlier ones."""
    curves: Dict[str, Dict[int, float]] = defaultdict(dict)
    for log in logs:
        last_train_iter = 0
        for line in open(log):
            row = json.loads(line)
            is_train = 'loss' in row or 'lr' in row
            if is_train:
                last_train_iter = row.get('iter', last_train_iter)
            it = row.get('iter', last_train_iter) if is_train \
                else row.get('step', last_train_iter)
            for key, value in row.items():
                if key not in SKIP and isinstance(value, (int, float)):
                    curves[key][int(it)] = float(value)
    return {k: sorted(v.items()) for k, v in curves.items()}


def plot(curves: Dict[str, List[Tuple[int, float]]], out: str) -> None:
    keys = sorted(curves, key=lambda k: ('loss' not in k, k))
    cols = min(3, len(keys))
    rows = -(-len(keys) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 2.8 * rows), squeeze=False)
    for ax, key in zip(axes.flat, keys):
        xs, ys = zip(*curves[key])
        ax.plot(xs, ys, marker='o' if len(xs) < 20 else None, ms=3)
        ax.set_title(key, fontsize=9)
        ax.set_xlabel('iteration', fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis('off')
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('path', help='work_dir or a scalars.json file')
    parser.add_argument('--out', default='curves.png')
    parser.add_argument('--keys', nargs='+', help='plot only these keys')
    args = parser.parse_args()
    curves = read_curves(find_scalar_logs(args.path))
    if args.keys:
        missing = [k for k in args.keys if k not in curves]
        if missing:
            raise SystemExit(f'error: keys not in the log: {missing}; '
                             f'available: {sorted(curves)}')
        curves = {k: curves[k] for k in args.keys}
    plot(curves, args.out)
    print(f'wrote {len(curves)} curves to {osp.abspath(args.out)}')


if __name__ == '__main__':
    main()
