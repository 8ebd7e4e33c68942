"""Parameters and FLOPs of a model, whole and per part.

    python tools/analysis_tools/get_flops.py CONFIG [--shape H W]

Counts with mmengine's FLOP analyzer (a multiply-add counts as one FLOP, as
in mmseg/fvcore tables) on the model's ``tensor`` forward for one
(1, 4, H, W) input, and splits both numbers by top-level part (encoder,
segmentation head, fusion head, ...). Works on mmcv-lite.
"""
import argparse

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

import segfanet_mm  # noqa: F401
from segfanet_mm.apis import load_config

PART_NAMES = {
    'backbone': 'encoder',
    'decode_head': 'segmentation head',
    'fusion_head': 'fusion head',
    'auxiliary_head': 'auxiliary head',
    'align_loss': 'alignment projections (training only)',
}


def count(config: str, height: int, width: int) -> list:
    """Rows (part, parameters, GFLOPs) ending with the total."""
    cfg = load_config(config)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    model = MODELS.build(cfg.model).eval()
    inputs = torch.rand(1, 4, height, width)
    with torch.no_grad():
        analyzer = FlopAnalyzer(model, (inputs, ))
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        by_module = analyzer.by_module()
    rows = []
    for name, child in model.named_children():
        if name == 'data_preprocessor':
            continue
        params = sum(p.numel() for p in child.parameters())
        if not params and not by_module.get(name, 0):
            continue  # parameter-free losses
        rows.append(
            (PART_NAMES.get(name, name), params, by_module.get(name, 0) / 1e9))
    total_params = sum(p.numel() for p in model.parameters())
    rows.append(('total', total_params, analyzer.total() / 1e9))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=[480, 640], metavar=('H', 'W'))
    args = parser.parse_args()
    height, width = args.shape
    print(f'{args.config}, input 1 x 4 x {height} x {width}')
    print('| part | parameters | GFLOPs |\n| --- | ---: | ---: |')
    for part, params, gflops in count(args.config, height, width):
        print(f'| {part} | {params:,} | {gflops:.3f} |')


if __name__ == '__main__':
    main()
