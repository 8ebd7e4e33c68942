"""Paired infrared/visible dataset in the project's standard folder layout."""
import os
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence

from mmengine import fileio
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .transforms.image_io import image_stem

IMAGE_SUFFIXES = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')


class DatasetLayoutError(ValueError):
    """The dataset folders or split file do not form valid pairs."""


def list_images(folder: str) -> Dict[str, str]:
    """Map file stem -> path for the image files directly in ``folder``.

    Files with other extensions (notes, thumbnails.db, ...) are ignored;
    two images with the same stem are an error because pairing is by stem.
    """
    if not osp.isdir(folder):
        raise DatasetLayoutError(f'{folder}: folder does not exist')
    found: Dict[str, str] = {}
    for name in sorted(os.listdir(folder)):
        if osp.splitext(name)[1].lower() not in IMAGE_SUFFIXES:
            continue
        stem = image_stem(name)
        if stem in found:
            raise DatasetLayoutError(
                f'ambiguous stem {stem!r} in {folder}: '
                f'{osp.basename(found[stem])} and {name}; pairing is by stem')
        found[stem] = osp.join(folder, name)
    return found


def _read_split_file(path: str) -> List[str]:
    stems = [
        line.strip() for line in fileio.get_text(path).splitlines()
        if line.strip() and not line.lstrip().startswith('#')
    ]
    if not stems:
        raise DatasetLayoutError(f'{path}: split file lists no samples')
    return [image_stem(s) for s in stems]


@DATASETS.register_module()
class IVFDataset(BaseSegDataset):
    """Infrared-visible fusion dataset: ``vis/``, ``ir/``, optional ``ann/``.

    Layout (one folder per split is the convention)::

        data_root/vis/<split>/<stem>.<png|jpg|bmp|tif>   visible (RGB or grey)
        data_root/ir/<split>/<stem>.<ext>                infrared
        data_root/ann/<split>/<stem>.png                 class indices (opt.)

    Pairs are matched by file stem; a visible image without an infrared
    partner (or the reverse) is an error that lists the unmatched files.
    ``ann_file`` may name a split file (one stem per line) to select samples.
    Without ``seg_map_path`` the dataset is label-free (RoadScene, TNO, ...):
    samples carry no ``seg_map_path`` and models skip their segmentation
    loss. A configured ``seg_map_path`` that does not exist is an error
    naming it (a typo would otherwise train label-free without a word);
    only the default ``ann`` folder (``data_prefix`` not given) is used
    when present and skipped when absent. With ``allow_missing_labels=True``
    a labelled folder may miss some labels (mixed supervision); one that
    matches none of the images gives a warning.

    Args:
        data_prefix: ``vis_path``, ``ir_path`` and optional ``seg_map_path``
            folders, relative to ``data_root``. Defaults to ``vis``, ``ir``
            and, when it exists, ``ann``.
        seg_map_suffix: label file extension.
        allow_missing_labels: keep pairs without a label as label-free.
        **kwargs: passed to mmseg's ``BaseSegDataset`` (``metainfo``,
            ``pipeline``, ``test_mode``, ``reduce_zero_label``, ...).
    """

    METAINFO = dict(
        classes=('background', 'target'), palette=[[0, 0, 0], [255, 64, 0]])
    #: Whether classes given in the config name the label indices as stored
    #: (no remapping; a random palette when none matches): the generic data
    #: set. Data sets with fixed classes set it False and keep mmseg's
    #: subset remapping and palette checks.
    classes_name_stored_labels: bool = True

    def __init__(self,
                 data_prefix: Optional[dict] = None,
                 seg_map_suffix: str = '.png',
                 allow_missing_labels: bool = False,
                 **kwargs) -> None:
        self.allow_missing_labels = allow_missing_labels
        self._labels_optional = data_prefix is None
        if data_prefix is None:
            data_prefix = dict(
                vis_path='vis', ir_path='ir', seg_map_path='ann')
        super().__init__(
            data_prefix=data_prefix,
            img_suffix='',
            seg_map_suffix=seg_map_suffix,
            **kwargs)

    @classmethod
    def get_label_map(cls, new_classes: Optional[Sequence] = None):
        """No remapping when config classes name the stored label indices
        (``classes_name_stored_labels``); else mmseg's subset remapping."""
        if cls.classes_name_stored_labels:
            return None
        return super().get_label_map(new_classes)

    def _update_palette(self) -> list:
        """Config classes that name stored labels but come without a matching
        palette get mmseg's fixed-seed random palette instead of an error."""
        classes = self._metainfo.get('classes', [])
        if self.classes_name_stored_labels and len(
                self._metainfo.get('palette', [])) != len(classes):
            self._metainfo['palette'] = []
        return super()._update_palette()

    def _label_folder(self) -> Optional[str]:
        folder = self.data_prefix.get('seg_map_path')
        if not folder or (self._labels_optional and not osp.isdir(folder)):
            return None
        if not osp.isdir(folder):
            raise DatasetLayoutError(
                f'{folder}: label folder (data_prefix.seg_map_path) does not '
                'exist; fix the path, or leave seg_map_path out for a '
                'label-free data set')
        return folder

    def load_data_list(self) -> List[dict]:
        vis_dir = self.data_prefix.get('vis_path')
        ir_dir = self.data_prefix.get('ir_path')
        if not vis_dir or not ir_dir:
            raise DatasetLayoutError(
                f'{type(self).__name__}: data_prefix needs vis_path and '
                f'ir_path, got {dict(self.data_prefix)}')
        vis, ir = list_images(vis_dir), list_images(ir_dir)
        if self.ann_file:
            stems: Sequence[str] = _read_split_file(self.ann_file)
        else:
            stems = sorted(set(vis) | set(ir))
        missing = [
            f'{stem}: no visible image in {vis_dir}'
            for stem in stems if stem not in vis
        ] + [
            f'{stem}: no infrared image in {ir_dir}'
            for stem in stems if stem not in ir
        ]
        if missing:
            shown = '\n  '.join(missing[:20])
            more = f'\n  ... and {len(missing) - 20} more' \
                if len(missing) > 20 else ''
            raise DatasetLayoutError(
                f'{len(missing)} image(s) have no partner:\n  {shown}{more}')
        if not stems:
            raise DatasetLayoutError(
                f'no image pairs found in {vis_dir} and {ir_dir}')
        ann_dir = self._label_folder()
        data_list = []
        for stem in stems:
            info = dict(
                img_path=vis[stem],
                vis_path=vis[stem],
                ir_path=ir[stem],
                label_map=self.label_map,
                reduce_zero_label=self.reduce_zero_label,
                num_classes=len(self.metainfo['classes']),
                seg_fields=[])
            if ann_dir is not None:
                label = osp.join(ann_dir, stem + self.seg_map_suffix)
                if osp.isfile(label):
                    info['seg_map_path'] = label
                elif not self.allow_missing_labels:
                    raise DatasetLayoutError(
                        f'{label}: label missing for pair {stem} (set '
                        'allow_missing_labels=True to train it label-free)')
            data_list.append(info)
        if ann_dir is not None and not any('seg_map_path' in info
                                           for info in data_list):
            warnings.warn(
                f'{ann_dir}: label folder matches none of the '
                f'{len(data_list)} images (no <stem>{self.seg_map_suffix}); '
                'the data set is label-free')
        return data_list


def registered_metainfo(dataset: str) -> dict:
    """``METAINFO`` (classes, palette) of a dataset class registered in
    mmseg's ``DATASETS`` (e.g. ``'MSRSDataset'``), for tools that colour or
    name label maps without building the data set."""
    cls = DATASETS.get(dataset)
    if cls is None:
        raise KeyError(f'unknown dataset {dataset!r}')
    return dict(cls.METAINFO)
