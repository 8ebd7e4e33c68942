"""Convert WHU-OPT-SAR to 512 x 512 infrared/visible tiles with labels.

    python tools/dataset_converters/whu_opt_sar.py SRC [--out data/whu]
        [--tile-size 512] [--stride 512] [--bands 2 1 0 3]
        [--split official|hash] [--split-file FILE]
        [--split-ratio 0.7 0.1 0.2] [--exclude SCENE ...] [--nproc 1]

Assumed source layout (the public release, Li et al., "MCANet", JAG 2022;
github.com/AmberHen/WHU-OPT-SAR-dataset), files paired by name::

    SRC/image/<scene>.tif     GF-1 optical (the maintainers' folder name;
      or SRC/optical/         some copies call it optical), 4 bands stored
                              B, G, R, NIR (the maintainers: bands 3, 2, 1
                              are R, G, B, band 4 is NIR), 5556 x 3704,
                              uint8 or uint16
    SRC/lbl/<scene>.tif       1 band, values 0, 10, ..., 70
    SRC/sar/<scene>.tif       GF-3 SAR: not used (this project fuses NIR
                              with RGB, as the SegFANet authors do)

Output: ``OUT/{vis,ir,ann}/<split>/<scene>_<y>_<x>.png``: RGB -> ``vis``,
NIR -> ``ir``, label value v -> class index v / 10 (0 background,
1 farmland, 2 city, 3 village, 4 water, 5 forest, 6 road, 7 others; the
background is kept as class 0 here and can be ignored at training time with
``WHUFusionDataset(ignore_background=True)``, without re-converting).
uint16 bands are stretched to uint8 per scene (see ``to_uint8``).

Split: ``--split official`` (default) follows the maintainers' list
(``The division of the dataset.txt``: 80 train / 20 test scenes, no val),
shipped as ``whu_opt_sar_split.txt`` beside this file; ``--split-file``
reads another copy in the same format. ``--split hash`` assigns
train/val/test by a hash of the scene name (``hash_split``,
``--split-ratio``). A scene the split list does not name, or one whose
files are missing or broken, is reported and the others are converted.
Tiling, edge tiles, restarts and the report:
``tools/dataset_converters/tiling.py``.
"""
import argparse
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

from raster import (ConversionError, check_same_size, map_label_codes,
                    read_tiff, require_bands, to_uint8)
from tiling import Scene, SceneArrays, SceneTiler, hash_split, run_command

LABEL_VALUES = {10 * i: i for i in range(8)}
SPLITS = ('train', 'val', 'test')
OFFICIAL_SPLIT_FILE = osp.join(
    osp.dirname(osp.abspath(__file__)), 'whu_opt_sar_split.txt')
OPTICAL_DIRS = ('image', 'optical')
TIFF_SUFFIXES = ('.tif', '.tiff')


def read_split_file(path: str) -> Dict[str, str]:
    """Read a split list in the maintainers' format: a line ``train:`` (or
    ``val:``, ``test:``) opens a section whose following lines each name one
    scene file (``NH49E001013.tif``); blank lines and ``#`` comments are
    skipped. Returns ``{scene: split}``."""
    splits, section = {}, None
    try:
        with open(path, encoding='utf-8-sig') as f:
            lines = [line.strip() for line in f]
    except OSError as err:
        raise ConversionError(
            f'{path}: cannot read split file ({err})') from None
    for number, line in enumerate(lines, 1):
        if not line or line.startswith('#'):
            continue
        if line.endswith(':'):
            section = line[:-1].strip().lower()
            if section not in SPLITS:
                raise ConversionError(
                    f'{path}:{number}: unknown split {line!r} (expected '
                    f'{", ".join(s + ":" for s in SPLITS)})')
            continue
        scene = osp.splitext(line)[0]
        if section is None:
            raise ConversionError(f'{path}:{number}: {line!r} comes before '
                                  'any "train:" or "test:" line')
        if scene in splits:
            raise ConversionError(f'{path}:{number}: {line!r} listed twice '
                                  f'({splits[scene]}, {section})')
        splits[scene] = section
    if not splits:
        raise ConversionError(f'{path}: no scenes listed')
    return splits


def _tiffs(folder: str) -> Dict[str, str]:
    return {
        osp.splitext(name)[0]: osp.join(folder, name)
        for name in sorted(os.listdir(folder))
        if osp.splitext(name)[1].lower() in TIFF_SUFFIXES
    }


def optical_dir(src: str) -> str:
    """``SRC/image`` or ``SRC/optical``, whichever exists (not both)."""
    found = [
        osp.join(src, d) for d in OPTICAL_DIRS if osp.isdir(osp.join(src, d))
    ]
    if len(found) != 1:
        raise ConversionError(
            f'{src}: ' + ('has both image/ and optical/; keep one'
                          if found else 'no image/ (or optical/) folder') +
            '; expected the WHU-OPT-SAR release layout SRC/image/<scene>.tif'
            ' and SRC/lbl/<scene>.tif')
    return found[0]


def find_scenes(
    src: str,
    splits: Optional[Dict[str, str]],
    ratios: Dict[str, float],
    bands: Sequence[int],
    exclude: Sequence[str] = ()
) -> Tuple[List[Scene], Dict[str, str]]:
    """Pair optical images with labels and give each its split (from
    ``splits``, or by name hash when it is None); return the scenes and
    ``{scene: reason}`` for those that cannot be converted."""
    image_dir, label_dir = optical_dir(src), osp.join(src, 'lbl')
    if not osp.isdir(label_dir):
        raise ConversionError(f'{label_dir}: label folder not found')
    optical, labels = _tiffs(image_dir), _tiffs(label_dir)
    if not optical:
        raise ConversionError(f'{image_dir}: no .tif files')
    scenes, unusable = [], {}
    for name, path in optical.items():
        if name in exclude:
            continue
        if name not in labels:
            unusable[name] = (f'{osp.join(label_dir, name + ".tif")}: label '
                              f'missing (optical image {path})')
        elif splits is not None and name not in splits:
            unusable[name] = (f'{path}: scene not in the split list; use '
                              '--split hash or a --split-file naming it')
        else:
            split = splits[name] if splits is not None else hash_split(
                name, ratios)
            scenes.append(
                Scene(name, split, (path, labels[name], tuple(bands))))
    return scenes, unusable


def load_scene(scene: Scene) -> SceneArrays:
    """Read one scene: RGB and NIR bands to uint8, label values to
    indices."""
    optical_path, label_path, bands = scene.source
    img = require_bands(
        read_tiff(optical_path, optical_path), 4, optical_path,
        'B, G, R, NIR, or as --bands says')
    label = require_bands(
        read_tiff(label_path, label_path), 1, label_path, 'label values')
    check_same_size({optical_path: img, label_path: label})
    return SceneArrays(
        vis=to_uint8(img[..., list(bands[:3])]),
        ir=to_uint8(img[..., bands[3]]),
        ann=map_label_codes(label, LABEL_VALUES, label_path))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert WHU-OPT-SAR (image/ + lbl/) to NIR/RGB tiles')
    parser.add_argument(
        'src', help='folder holding image/ (or optical/) '
        'and lbl/')
    parser.add_argument('--out', default='data/whu', help='output root')
    parser.add_argument('--tile-size', type=int, default=512)
    parser.add_argument(
        '--stride', type=int, help='tile grid step (default: tile size)')
    parser.add_argument(
        '--bands',
        type=int,
        nargs=4,
        default=(2, 1, 0, 3),
        choices=range(4),
        metavar=('R', 'G', 'B', 'NIR'),
        help='0-based band indices of R, G, B and NIR in the optical TIFFs '
        '(default: the release order B, G, R, NIR)')
    parser.add_argument(
        '--split',
        choices=('official', 'hash'),
        default='official',
        help='official: the maintainers\' 80 train / 20 test list; hash: '
        'train/val/test by scene name hash and --split-ratio')
    parser.add_argument(
        '--split-file',
        default=OFFICIAL_SPLIT_FILE,
        help='split list for --split official (default: the shipped copy of '
        'the maintainers\' "The division of the dataset.txt")')
    parser.add_argument(
        '--split-ratio',
        type=float,
        nargs=3,
        default=(0.7, 0.1, 0.2),
        metavar=('TRAIN', 'VAL', 'TEST'),
        help='expected share of scenes per split with --split hash')
    parser.add_argument(
        '--exclude',
        nargs='+',
        default=[],
        metavar='SCENE',
        help='scenes to leave out, e.g. NH49E010015')
    parser.add_argument(
        '--nproc', type=int, default=1, help='scenes converted in parallel')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    splits = read_split_file(args.split_file) \
        if args.split == 'official' else None
    scenes, unusable = find_scenes(args.src, splits,
                                   dict(zip(SPLITS, args.split_ratio)),
                                   args.bands, args.exclude)
    if splits is not None:
        found = {s.name for s in scenes} | set(unusable) | set(args.exclude)
        absent = sorted(set(splits) - found)
        if absent:
            print(f'{len(absent)} of the {len(splits)} scenes of '
                  f'{args.split_file} are not in {args.src} (e.g. '
                  f'{", ".join(absent[:3])}); converting the others')
    tiler = SceneTiler(
        args.out,
        load_scene,
        args.tile_size,
        args.stride,
        settings=dict(converter='whu_opt_sar', bands=args.bands))
    return tiler.run(scenes, args.nproc, unusable)


if __name__ == '__main__':
    run_command(main)
