"""Convert ISPRS Potsdam to 512 x 512 infrared/visible tiles with labels.

    python tools/dataset_converters/potsdam_fusion.py ZIP_DIR
        [--out data/potsdam] [--labels noBoundary|all]
        [--tile-size 512] [--stride 512] [--exclude TILE ...] [--nproc 1]

``ZIP_DIR`` holds the archives of the ISPRS 2D semantic labelling release
(unpacked from its outer archive, not further); tiles are found inside them
by file name, whatever folder they sit in:

* images, either ``4_Ortho_RGBIR.zip`` (``top_potsdam_2_10_RGBIR.tif``:
  R, G, B, IR) or, when it is absent, ``2_Ortho_RGB.zip``
  (``top_potsdam_2_10_RGB.tif``) + ``3_Ortho_IRRG.zip``
  (``top_potsdam_2_10_IRRG.tif``: IR, R, G; only its IR band is used);
* labels, ``5_Labels_all_noBoundary.zip``
  (``top_potsdam_2_10_label_noBoundary.tif``, the default: eroded borders
  are black and become 255 = ignore, as in the ISPRS evaluation) or
  ``5_Labels_all.zip`` (``top_potsdam_2_10_label.tif``) with
  ``--labels all``.

Output: ``OUT/{vis,ir,ann}/{train,val}/<tile>_<y>_<x>.png`` (``<tile>`` like
``2_10``). Label colours (RGB, read with tifffile, so no BGR confusion) ->
0 impervious surface (255, 255, 255), 1 building (0, 0, 255), 2 low
vegetation (0, 255, 255), 3 tree (0, 255, 0), 4 car (255, 255, 0),
5 clutter (255, 0, 0); black (0, 0, 0) -> 255. Not every released label is
clean (``top_potsdam_4_12_label`` is a lossy re-encode, ``6_7`` paints cars
(252, 255, 0)), so each channel is thresholded at 127 first, which maps
every known variant to its palette colour; the run reports, per tile, how
many pixels that changed. A colour that is still unknown (magenta) fails
the tile, naming the file. Split: the 14 validation tiles below (the ISPRS /
mmseg split), all others train; ``--exclude`` leaves tiles out (some works
drop 7_10 for its annotation errors) and may reuse an output folder.
Tiling, edge tiles, restarts and the per-tile report:
``tools/dataset_converters/tiling.py``.
"""
import argparse
import os.path as osp
import re
import zipfile
from typing import Dict, List, Optional, Sequence, Tuple

from raster import (ConversionError, check_same_size, describe_rgb,
                    map_label_codes, pack_rgb, read_tiff, require_bands,
                    rgb_table, snap_channels, to_uint8)
from tiling import Scene, SceneArrays, SceneTiler, run_command

VAL_TILES = frozenset({
    '2_13', '2_14', '3_13', '3_14', '4_13', '4_14', '4_15', '5_13', '5_14',
    '5_15', '6_13', '6_14', '6_15', '7_13'
})
LABEL_COLOURS = rgb_table({
    (255, 255, 255): 0,  # impervious surface
    (0, 0, 255): 1,  # building
    (0, 255, 255): 2,  # low vegetation
    (0, 255, 0): 3,  # tree
    (255, 255, 0): 4,  # car
    (255, 0, 0): 5,  # clutter
    (0, 0, 0): 255,  # eroded boundary (noBoundary labels): ignore
})
LABEL_ZIPS = dict(
    noBoundary='5_Labels_all_noBoundary.zip', all='5_Labels_all.zip')
_MEMBER = re.compile(
    r'^top_potsdam_(\d+_\d+)_(RGBIR|RGB|IRRG|label|label_noBoundary)\.tif$')


def _members(zip_path: str, kind: str) -> Dict[str, str]:
    """Map tile id -> member name for the members of one kind."""
    if not osp.isfile(zip_path):
        raise ConversionError(f'{zip_path}: archive not found')
    found = {}
    with zipfile.ZipFile(zip_path) as zf:
        for member in zf.namelist():
            match = _MEMBER.match(osp.basename(member))
            if match and match.group(2) == kind:
                found[match.group(1)] = member
    if not found:
        raise ConversionError(
            f'{zip_path}: no top_potsdam_<id>_{kind}.tif inside')
    return found


def image_archives(zip_dir: str) -> List[Tuple[str, str]]:
    """(zip path, member kind) of the image archives to read: RGBIR, or RGB
    and IRRG."""
    rgbir = osp.join(zip_dir, '4_Ortho_RGBIR.zip')
    if osp.isfile(rgbir):
        return [(rgbir, 'RGBIR')]
    archives = [(osp.join(zip_dir, '2_Ortho_RGB.zip'), 'RGB'),
                (osp.join(zip_dir, '3_Ortho_IRRG.zip'), 'IRRG')]
    if not all(osp.isfile(path) for path, _ in archives):
        raise ConversionError(
            f'{zip_dir}: needs 4_Ortho_RGBIR.zip, or 2_Ortho_RGB.zip and '
            '3_Ortho_IRRG.zip')
    return archives


def find_scenes(
    zip_dir: str, labels: str, exclude: Sequence[str] = ()
) -> Tuple[List[Scene], Dict[str, str]]:
    """List the tiles with their image and label members and split; return
    them and ``{tile: reason}`` for tiles that lack a file."""
    archives = image_archives(zip_dir)
    label_zip = osp.join(zip_dir, LABEL_ZIPS[labels])
    label_kind = 'label_noBoundary' if labels == 'noBoundary' else 'label'
    label_members = _members(label_zip, label_kind)
    images = [(path, _members(path, kind)) for path, kind in archives]
    scenes, unusable = [], {}
    for tile in sorted(set(images[0][1]) - set(exclude)):
        sources = [(path, members[tile]) for path, members in images
                   if tile in members]
        if len(sources) < len(images):
            unusable[tile] = (f'{images[1][0]}: image of tile {tile} missing '
                              f'(found in {images[0][0]})')
        elif tile not in label_members:
            unusable[tile] = (
                f'{label_zip}: label missing for tile {tile} (expected '
                f'top_potsdam_{tile}_{label_kind}.tif; image '
                f'{sources[0][0]}:{sources[0][1]})')
        else:
            sources.append((label_zip, label_members[tile]))
            scenes.append(
                Scene(tile, 'val' if tile in VAL_TILES else 'train',
                      tuple(sources)))
    if not scenes and not unusable:
        raise ConversionError(f'{zip_dir}: no tiles left to convert')
    return scenes, unusable


def _read(zip_path: str, member: str, bands: int, meaning: str):
    name = f'{zip_path}:{member}'
    with zipfile.ZipFile(zip_path) as zf:
        data = zf.read(member)
    return name, require_bands(read_tiff(data, name), bands, name, meaning)


def load_scene(scene: Scene) -> SceneArrays:
    """Read one tile: visible RGB, the IR band and the mapped label."""
    *images, label_src = scene.source
    if len(images) == 1:
        name, img = _read(*images[0], 4, 'R, G, B, IR')
        arrays = {name: img}
        vis, ir = img[..., :3], img[..., 3]
    else:
        rgb_name, rgb = _read(*images[0], 3, 'R, G, B')
        irrg_name, irrg = _read(*images[1], 3, 'IR, R, G')
        arrays = {rgb_name: rgb, irrg_name: irrg}
        vis, ir = rgb, irrg[..., 0]
    label_name, label = _read(*label_src, 3, 'RGB colour label')
    check_same_size(dict(arrays, **{label_name: label}))
    label, snapped = snap_channels(label)
    share = 100 * snapped / label[..., 0].size
    note = (f'{snapped} label pixel(s) ({share:.2f}%) were not palette '
            'colours; thresholded at 127 per channel' if snapped else '')
    return SceneArrays(
        vis=to_uint8(vis),
        ir=to_uint8(ir),
        ann=map_label_codes(
            pack_rgb(label), LABEL_COLOURS,
            f'{label_name} (each channel thresholded at 127)', describe_rgb),
        note=note)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Convert ISPRS Potsdam archives to IR/RGB tiles')
    parser.add_argument('zip_dir', help='folder holding the ISPRS zips')
    parser.add_argument('--out', default='data/potsdam', help='output root')
    parser.add_argument(
        '--labels',
        choices=sorted(LABEL_ZIPS),
        default='noBoundary',
        help='label archive: noBoundary (borders ignored) or all')
    parser.add_argument('--tile-size', type=int, default=512)
    parser.add_argument(
        '--stride', type=int, help='tile grid step (default: tile size)')
    parser.add_argument(
        '--exclude',
        nargs='+',
        default=[],
        metavar='TILE',
        help='tile ids to leave out, e.g. 7_10')
    parser.add_argument(
        '--nproc', type=int, default=1, help='tiles converted in parallel')
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    scenes, unusable = find_scenes(args.zip_dir, args.labels, args.exclude)
    sources = '+'.join(kind for _, kind in image_archives(args.zip_dir))
    tiler = SceneTiler(
        args.out,
        load_scene,
        args.tile_size,
        args.stride,
        settings=dict(
            converter='potsdam_fusion', labels=args.labels, images=sources))
    return tiler.run(scenes, args.nproc, unusable)


if __name__ == '__main__':
    run_command(main)
