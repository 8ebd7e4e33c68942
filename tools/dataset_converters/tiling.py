"""Restartable tiling of large scenes into the project's data layout.

Output, for every scene and every tile origin ``(y, x)`` (top-left pixel)::

    out/vis/<split>/<scene>_<y>_<x>.png   visible RGB, uint8
    out/ir/<split>/<scene>_<y>_<x>.png    infrared (NIR) band, uint8
    out/ann/<split>/<scene>_<y>_<x>.png   class indices, 255 = ignore

Tiles lie on a regular grid of step ``stride``; where the grid does not end
at the border one more tile is placed flush with it (overlapping its
neighbour), so no pixel is dropped and every tile is full size. A scene side
shorter than a tile gives one tile padded with 0 (images) and 255 (labels).

Restarts: every file is written atomically (temporary file, then rename), in
the order label, infrared, visible, so an interrupted run leaves no partial
file, only possibly a tile with some of its files. When all tiles of a scene
are written, a manifest ``out/.manifests/<scene>.json`` records the tile
files, the scene's split and the settings that determine tile contents. A
re-run skips scenes whose manifest lists only existing files (without
reading their source), converts the rest writing only the files that are
missing, and deletes temporary files left by an interrupted run. It refuses
settings that would change a written tile (tile size, stride, bands, label
variant, ...) or move a written scene to another split; options that only
choose which scenes to convert (``--exclude``) may reuse the folder. Run one
converter per output folder at a time.

Bad scenes do not stop a run: a scene whose sources fail to load
(:class:`ConversionError`) is reported with its reason at the end, the
others are converted, and a re-run retries it.
"""
import hashlib
import json
import os
import os.path as osp
import sys
from dataclasses import dataclass
from typing import Callable, List, Mapping, NamedTuple, Optional, Sequence

import numpy as np
from mmengine.utils import track_parallel_progress, track_progress
from raster import ConversionError

from segfanet_mm.utils import atomic_imwrite, atomic_write_bytes

MODALITIES = ('ann', 'ir', 'vis')  # write order: visible (the index) last
MANIFEST_DIR = '.manifests'
_PAD = dict(ann=255, ir=0, vis=0)


@dataclass(frozen=True)
class Scene:
    """One source scene.

    Args:
        name: the scene id; tile stems are ``<name>_<y>_<x>``.
        split: ``train``, ``val`` or ``test``.
        source: what the converter's loader needs to read the scene
            (paths, zip member names); picklable, for ``--nproc``.
    """
    name: str
    split: str
    source: tuple


class SceneArrays(NamedTuple):
    """A loaded scene: ``vis`` H x W x 3 uint8 RGB, ``ir`` H x W uint8,
    ``ann`` H x W uint8 class indices (255 = ignore); ``note``: what the
    loader had to repair, for the run's per-scene report ('' if nothing)."""
    vis: np.ndarray
    ir: np.ndarray
    ann: np.ndarray
    note: str = ''


class SceneResult(NamedTuple):
    """Outcome of one scene: tile files ``written`` and ``kept`` (already
    present), the loader's ``note``, and ``error`` ('' if converted)."""
    written: int
    kept: int
    note: str = ''
    error: str = ''


def tile_origins(length: int, tile_size: int, stride: int) -> List[int]:
    """Tile start offsets along one axis (see the module docstring)."""
    if length <= tile_size:
        return [0]
    starts = list(range(0, length - tile_size + 1, stride))
    if starts[-1] + tile_size < length:
        starts.append(length - tile_size)
    return starts


def hash_split(name: str, ratios: Mapping[str, float]) -> str:
    """Assign ``name`` to a split by its SHA-1 hash.

    Deterministic, and independent of which other scenes are present (a
    partial download or a later addition moves no scene to another split);
    the split sizes match ``ratios`` only on average.
    """
    digest = hashlib.sha1(name.encode('utf-8')).digest()
    u = int.from_bytes(digest[:8], 'big') / 2.0**64 * sum(ratios.values())
    acc = 0.0
    for split, ratio in ratios.items():
        acc += ratio
        if u < acc:
            return split
    return split


def _crop(arr: np.ndarray, y: int, x: int, size: int, fill: int) -> np.ndarray:
    tile = arr[y:y + size, x:x + size]
    pad = (size - tile.shape[0], size - tile.shape[1])
    if any(pad):
        widths = ((0, pad[0]), (0, pad[1])) + ((0, 0), ) * (arr.ndim - 2)
        tile = np.pad(tile, widths, constant_values=fill)
    return np.ascontiguousarray(tile)


class SceneTiler:
    """Cuts scenes into tiles under ``out_dir``, restartably.

    Args:
        out_dir: output root (``data/<name>``).
        loader: ``loader(scene) -> SceneArrays``; a module-level function
            (picklable) that raises :class:`ConversionError` naming the file
            for any problem with the scene's sources.
        tile_size: tile side in pixels.
        stride: grid step (default: ``tile_size``, no overlap).
        settings: everything else that determines the output (bands, split
            ratios, label variant, ...), recorded in the manifests.
    """

    def __init__(self,
                 out_dir: str,
                 loader: Callable[[Scene], SceneArrays],
                 tile_size: int = 512,
                 stride: Optional[int] = None,
                 settings: Optional[dict] = None) -> None:
        stride = stride or tile_size
        if tile_size <= 0 or not 0 < stride <= tile_size:
            raise ConversionError(
                f'need 0 < stride <= tile size, got tile size {tile_size} '
                f'and stride {stride}')
        self.out_dir = out_dir
        self.loader = loader
        self.tile_size = tile_size
        self.stride = stride
        # JSON round trip, so tuples compare equal to what a manifest holds.
        self.settings = json.loads(
            json.dumps(
                dict(settings or {}, tile_size=tile_size, stride=stride)))

    def run(self,
            scenes: Sequence[Scene],
            nproc: int = 1,
            unusable: Optional[Mapping[str, str]] = None) -> dict:
        """Convert the scenes not yet complete and print a per-scene report.

        ``unusable`` maps scenes found unusable before loading (e.g. a label
        file missing) to the reason; they are reported with the scenes that
        fail to load. Returns counts of ``scenes`` (including unusable
        ones), ``converted`` (scenes), ``written`` and ``kept`` (tile
        files), and ``failed``: ``{scene: reason}``.
        """
        failed = dict(unusable or {})
        removed = self._remove_temp_files({s.split for s in scenes})
        if removed:
            print(f'removed {removed} temporary file(s) left by an '
                  'interrupted run')
        pending = [s for s in scenes if not self._is_complete(s)]
        total = len(scenes) + len(failed)
        stats = dict(
            scenes=total, converted=0, written=0, kept=0, failed=failed)
        if not pending and not failed:
            print(f'{self.out_dir}: all {total} scenes are already '
                  'converted; nothing to do')
            return stats
        print(f'converting {len(pending)} of {total} scenes into '
              f'{self.out_dir} ({len(scenes) - len(pending)} already done)')
        results = []
        if pending and nproc > 1:
            results = track_parallel_progress(self.convert_scene, pending,
                                              nproc)
        elif pending:
            results = track_progress(self.convert_scene, pending)
        for scene, result in zip(pending, results):
            if result.error:
                failed[scene.name] = result.error
            elif result.note:
                print(f'{scene.name}: {result.note}')
        stats['converted'] = len(pending) - sum(bool(r.error) for r in results)
        stats['written'] = sum(r.written for r in results)
        stats['kept'] = sum(r.kept for r in results)
        print(f'wrote {stats["written"]} tile files, kept '
              f'{stats["kept"]} complete ones from an earlier run')
        if failed:
            print(f'{len(failed)} of {total} scene(s) not converted:')
            for name in sorted(failed):
                print(f'  {name}: {failed[name]}')
        return stats

    def convert_scene(self, scene: Scene) -> SceneResult:
        """Write the missing tile files of one scene, then its manifest; a
        scene whose sources fail to load gives a result with ``error``."""
        try:
            loaded = self.loader(scene)
        except ConversionError as err:
            return SceneResult(0, 0, error=str(err))
        arrays = loaded._asdict()
        arrays['vis'] = arrays['vis'][..., ::-1]  # OpenCV writes BGR
        height, width = arrays['ann'].shape[:2]
        files, written = [], 0
        for y in tile_origins(height, self.tile_size, self.stride):
            for x in tile_origins(width, self.tile_size, self.stride):
                stem = f'{scene.name}_{y}_{x}'
                for key in MODALITIES:
                    rel = osp.join(key, scene.split, stem + '.png')
                    files.append(rel)
                    path = osp.join(self.out_dir, rel)
                    if osp.isfile(path):
                        continue
                    os.makedirs(osp.dirname(path), exist_ok=True)
                    atomic_imwrite(
                        path,
                        _crop(arrays[key], y, x, self.tile_size, _PAD[key]))
                    written += 1
        manifest = self._manifest_path(scene)
        os.makedirs(osp.dirname(manifest), exist_ok=True)
        atomic_write_bytes(
            manifest,
            json.dumps(
                dict(
                    settings=self.settings,
                    split=scene.split,
                    note=loaded.note,
                    files=files),
                indent=1).encode('utf-8'))
        return SceneResult(written, len(files) - written, loaded.note)

    def _manifest_path(self, scene: Scene) -> str:
        return osp.join(self.out_dir, MANIFEST_DIR, scene.name + '.json')

    def _is_complete(self, scene: Scene) -> bool:
        path = self._manifest_path(scene)
        if not osp.isfile(path):
            return False
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
        recorded = dict(manifest['settings'], split=manifest['split'])
        wanted = dict(self.settings, split=scene.split)
        if recorded != wanted:
            diff = ', '.join(f'{k}: {recorded.get(k)} -> {wanted.get(k)}'
                             for k in sorted(set(recorded) | set(wanted))
                             if recorded.get(k) != wanted.get(k))
            raise ConversionError(
                f'{path}: {self.out_dir} was converted with other settings '
                f'({diff}); convert into another --out folder or delete it')
        return all(
            osp.isfile(osp.join(self.out_dir, rel))
            for rel in manifest['files'])

    def _remove_temp_files(self, splits: set) -> int:
        folders = [osp.join(self.out_dir, MANIFEST_DIR)] + [
            osp.join(self.out_dir, key, split) for key in MODALITIES
            for split in splits
        ]
        removed = 0
        for folder in filter(osp.isdir, folders):
            for name in os.listdir(folder):
                if name.startswith('.') and name.endswith('.tmp'):
                    os.remove(osp.join(folder, name))
                    removed += 1
        return removed


def run_command(main: Callable[[], dict]) -> None:
    """Run a converter's ``main`` as a command: exit with ``error: ...``
    (status 1) when it stops on a :class:`ConversionError` or leaves scenes
    unconverted."""
    try:
        stats = main()
    except ConversionError as err:
        sys.exit(f'error: {err}')
    if stats['failed']:
        sys.exit(f'error: {len(stats["failed"])} scene(s) not converted '
                 '(listed above); fix their files, or leave them out with '
                 '--exclude')
