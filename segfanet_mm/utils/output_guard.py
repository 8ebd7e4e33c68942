"""Refuse outputs that would overwrite a user's input images.

Paths are compared after resolving symbolic links (``os.path.realpath``):
an ``--out`` given through a link to an input folder, or an output file
that is a link to an input image, is the input itself.
"""
import os
import os.path as osp
from typing import Iterable, Set


class OutputOverlapError(ValueError):
    """An output path resolves to an input folder or file."""


def check_output_folder(out_dir: str, input_folders: Iterable[str]) -> None:
    """Raise :class:`OutputOverlapError` if ``out_dir`` resolves to, or
    inside, one of ``input_folders``."""
    out = osp.realpath(out_dir)
    for folder in set(input_folders):
        real = osp.realpath(folder)
        if out == real or out.startswith(real.rstrip(os.sep) + os.sep):
            raise OutputOverlapError(
                f'refusing to write into {out_dir}: it resolves to {out}, '
                f'inside the input folder {folder}; choose an output folder '
                'outside the inputs')


def resolved(paths: Iterable[str]) -> Set[str]:
    """The real paths of ``paths`` (for :func:`check_output_file`)."""
    return {osp.realpath(p) for p in paths}


def check_output_file(path: str, real_inputs: Set[str]) -> None:
    """Raise :class:`OutputOverlapError` if ``path`` is (a link to) one of
    the inputs whose real paths are ``real_inputs``."""
    if osp.realpath(path) in real_inputs:
        raise OutputOverlapError(
            f'refusing to overwrite input {path} (it resolves to '
            f'{osp.realpath(path)}); choose another output folder')
