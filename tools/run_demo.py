"""`make demo`: train on the built-in demo data, test, say where things are.

    python tools/run_demo.py CONFIG [--work-dir DIR] [--cfg-options ...]

Runs ``tools/train.py`` and then ``tools/test.py --out`` on the last
checkpoint, exactly as a user would, and prints the paths of the checkpoint,
the logs, the metrics and the fused images. The work dir defaults to
``work_dirs/<config name>``, as ``tools/train.py``'s does.
"""
import argparse
import glob
import os.path as osp
import subprocess
import sys

from segfanet_mm.apis import resolve_config_path

TOOLS = osp.dirname(osp.abspath(__file__))


def run(args: list) -> None:
    print('+', ' '.join(args), flush=True)
    subprocess.run([sys.executable] + args, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--work-dir')
    parser.add_argument('--cfg-options', nargs='+', default=[])
    args = parser.parse_args()
    if args.work_dir is None:
        config = resolve_config_path(args.config, warn=False)
        name = osp.splitext(osp.basename(config))[0]
        args.work_dir = osp.join('work_dirs', name)
    extra = ['--cfg-options', *args.cfg_options] if args.cfg_options else []
    run([
        osp.join(TOOLS, 'train.py'), args.config, '--work-dir', args.work_dir,
        *extra
    ])
    with open(osp.join(args.work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    out_dir = osp.join(args.work_dir, 'results')
    test_dir = osp.join(args.work_dir, 'test')
    run([
        osp.join(TOOLS, 'test.py'), args.config, checkpoint, '--work-dir',
        test_dir, '--out', out_dir, *extra
    ])
    metrics = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))
    logs = sorted(glob.glob(osp.join(args.work_dir, '*', '*.log')))
    print('\nDemo finished. The data are synthetic (see README).')
    print(f'  checkpoint:     {osp.abspath(checkpoint)}')
    print(f'  training log:   {osp.abspath(logs[-1]) if logs else "-"}')
    print(f'  test metrics:   {osp.abspath(metrics[-1]) if metrics else "-"}')
    for field in ('fused', 'fused_rgb', 'seg'):
        folder = osp.join(out_dir, field)
        if osp.isdir(folder):
            print(f'  {field + ":":15} {osp.abspath(folder)}/')


if __name__ == '__main__':
    main()
