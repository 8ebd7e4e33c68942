"""Convert WHU-OPT-SAR to 512 x 512 infrared/visible tiles with labels.

    python tools/dataset_converters/whu_opt_sar.py SRC [--out data/whu]
        [--tile-size 512] [--stride 512] [--bands 2 1 0 3]
        [--split-ratio 0.7 0.1 0.2] [--nproc 1]

Assumed source layout (the public release, Li et al., "MCANet", JAG 2022;
github.com/AmberHen/WHU-OPT-SAR-dataset), files paired by name::

    SRC/optical/<scene>.tif   GF-1 optical, 4 bands stored B, G, R, NIR
                              (the maintainers: bands 3, 2, 1 are R, G,
                              B, band 4 is NIR), 5556 x 3704, uint8 or
                              uint16
    SRC/lbl/<scene>.tif       1 band, values 0, 10, ..., 70
    SRC/sar/<scene>.tif       GF-3 SAR: not used (this project fuses NIR
                              with RGB, as the SegFANet authors do)

Output: ``OUT/{vis,ir,ann}/{train,val,test}/<scene>_<y>_<x>.png``: RGB ->
``vis``, NIR -> ``ir``, label value v -> class index v / 10 (0 background,
1 farmland, 2 city, 3 village, 4 water, 5 forest, 6 road, 7 others; the
background is kept as class 0 here and can be ignored at training time with
``WHUFusionDataset(ignore_background=True)``, without re-converting).
uint16 bands are stretched to uint8 per scene (see ``to_uint8``). Scenes go
to train/val/test by a hash of their name (``hash_split``). Tiling, edge
tiles and restarts: :mod:`segfanet_mm.datasets.converters.tiling`.
"""
import argparse
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

from segfanet_mm.datasets.converters import (  # noqa: E402
    ConversionError, Scene, SceneArrays, SceneTiler, check_same_size,
    hash_split, map_label_codes, read_tiff, require_bands, to_uint8)

LABEL_VALUES = {10 * i: i for i in range(8)}
SPLITS = ('train', 'val', 'test')
TIFF_SUFFIXES = ('.tif', '.tiff')


def _tiffs(folder: str) -> Dict[str, str]:
    if not osp.isdir(folder):
        raise ConversionError(
            f'{folder}: folder not found; expected the WHU-OPT-SAR release '
            'layout SRC/optical/<scene>.tif and SRC/lbl/<scene>.tif')
    return {
        osp.splitext(name)[0]: osp.join(folder, name)
        for name in sorted(os.listdir(folder))
        if osp.splitext(name)[1].lower() in TIFF_SUFFIXES
    }


def find_scenes(src: str, ratios: Dict[str, float],
                bands: Sequence[int]) -> List[Scene]:
    """Pair optical images with labels; a scene without label is an error."""
    optical, labels = _tiffs(osp.join(src, 'optical')), _tiffs(
        osp.join(src, 'lbl'))
    if not optical:
        raise ConversionError(f'{osp.join(src, "optical")}: no .tif files')
    scenes = []
    for name, path in optical.items():
        if name not in labels:
            raise ConversionError(
                f'{osp.join(src, "lbl", name + ".tif")}: label missing for '
                f'scene {name} (optical image {path})')
        scenes.append(
            Scene(name, hash_split(name, ratios),
                  (path, labels[name], tuple(bands))))
    return scenes


def load_scene(scene: Scene) -> SceneArrays:
    """Read one scene: RGB and NIR bands to uint8, label values to
    indices."""
    optical_path, label_path, bands = scene.source
    img = require_bands(
        read_tiff(optical_path, optical_path), 4, optical_path,
        'B, G, R, NIR')
    label = require_bands(
        read_tiff(label_path, label_path), 1, label_path, 'label values')
    check_same_size({optical_path: img, label_path: label})
    return SceneArrays(
        vis=to_uint8(img[..., list(bands[:3])]),
        ir=to_uint8(img[..., bands[3]]),
        ann=map_label_codes(label, LABEL_VALUES, label_path))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert WHU-OPT-SAR (optical/ + lbl/) to NIR/RGB tiles')
    parser.add_argument('src', help='folder holding optical/ and lbl/')
    parser.add_argument('--out', default='data/whu', help='output root')
    parser.add_argument('--tile-size', type=int, default=512)
    parser.add_argument(
        '--stride', type=int, help='tile grid step (default: tile size)')
    parser.add_argument(
        '--bands', type=int, nargs=4, default=(2, 1, 0, 3),
        choices=range(4), metavar=('R', 'G', 'B', 'NIR'),
        help='0-based band indices of R, G, B and NIR in the optical TIFFs '
        '(default: the release order B, G, R, NIR)')
    parser.add_argument(
        '--split-ratio', type=float, nargs=3, default=(0.7, 0.1, 0.2),
        metavar=('TRAIN', 'VAL', 'TEST'),
        help='expected share of scenes per split (assigned by name hash)')
    parser.add_argument('--nproc', type=int, default=1,
                        help='scenes converted in parallel')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, int]:
    args = parse_args(argv)
    ratios = dict(zip(SPLITS, args.split_ratio))
    scenes = find_scenes(args.src, ratios, args.bands)
    tiler = SceneTiler(
        args.out, load_scene, args.tile_size, args.stride,
        settings=dict(converter='whu_opt_sar', bands=args.bands,
                      split_ratio=ratios))
    return tiler.run(scenes, args.nproc)


if __name__ == '__main__':
    try:
        main()
    except ConversionError as err:
        sys.exit(f'error: {err}')
