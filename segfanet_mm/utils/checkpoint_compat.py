"""Safe checkpoint loading for mmengine on torch >= 2.6.

torch 2.6 made ``torch.load(weights_only=True)`` the default. mmengine 0.10.7
checkpoints carry, besides tensors, the message hub state (``HistoryBuffer``
objects holding numpy arrays and scalars), which the restricted unpickler
refuses, so ``--resume``, ``load_from`` and ``tools/test.py`` all fail.

Rather than turning the restricted unpickler off (which would let any
checkpoint run code on load), we allow-list exactly the classes that
mmengine's Runner writes and route mmengine's local/HTTP loaders through
:func:`safe_torch_load`. A checkpoint whose pickle references anything else is
refused with an error that names the file and the opt-in for trusted files:
the environment variable ``SEGFANET_TRUST_CHECKPOINTS=1``. Weights holding
NaN or Inf are refused on every load (training, testing, inference),
naming the tensors.
"""
import io
import os
import os.path as osp
import pickle
from typing import Any, Callable, List, Optional, Union

import numpy as np
import torch

from .checkpoint_checks import check_finite_weights

TRUST_ENV = 'SEGFANET_TRUST_CHECKPOINTS'


def _history_buffer_getattr(owner: Any, name: str) -> Any:
    """The only ``getattr`` an mmengine checkpoint needs.

    ``HistoryBuffer`` pickles its statistics methods as
    ``getattr(HistoryBuffer, 'mean')`` and so on; anything else is refused
    rather than handing the unpickler a general attribute lookup.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    allowed = {'min', 'max', 'current', 'mean'}
    allowed.update(HistoryBuffer._statistics_methods)
    if owner is HistoryBuffer and name in allowed:
        return getattr(owner, name)
    raise pickle.UnpicklingError(
        f'checkpoint asks for attribute {name!r} of {owner!r}, which is not '
        'part of mmengine training state')


def _mmengine_safe_globals() -> List[Any]:
    """Classes and functions an mmengine Runner checkpoint may reference."""
    from mmengine.logging.history_buffer import HistoryBuffer
    numpy_core = getattr(np, '_core', None) or np.core
    dtype_classes = [
        type(np.dtype(name))
        for name in ('bool', 'int8', 'int16', 'int32', 'int64', 'uint8',
                     'uint16', 'uint32', 'uint64', 'float16', 'float32',
                     'float64')
    ]
    return [
        HistoryBuffer,
        (_history_buffer_getattr, 'builtins.getattr'),
        numpy_core.multiarray._reconstruct,
        numpy_core.multiarray.scalar,
        np.ndarray,
        np.dtype,
        *dtype_classes,
    ]


def trusted_by_environment() -> bool:
    """Whether the user opted in to full unpickling of checkpoints."""
    return os.environ.get(TRUST_ENV, '') in ('1', 'true', 'True', 'yes')


def safe_torch_load(source: Union[str, io.IOBase],
                    map_location: Optional[Union[str, Callable]] = None,
                    name: Optional[str] = None) -> Any:
    """``torch.load`` with the restricted unpickler and a clear refusal;
    a checkpoint with NaN or Inf weights is refused too.

    Args:
        source: a path or a file-like object holding the checkpoint.
        map_location: passed to :func:`torch.load`.
        name: how to name the checkpoint in errors (defaults to the path).
    """
    name = name or (source if isinstance(source, str) else 'checkpoint')
    checkpoint = _torch_load(source, map_location, name)
    check_finite_weights(checkpoint, name)
    return checkpoint


def _torch_load(source: Union[str, io.IOBase],
                map_location: Optional[Union[str,
                                             Callable]], name: str) -> Any:
    if trusted_by_environment():
        return torch.load(
            source, map_location=map_location, weights_only=False)
    try:
        with torch.serialization.safe_globals(_mmengine_safe_globals()):
            return torch.load(
                source, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise pickle.UnpicklingError(
            f'Refused to load checkpoint {name}: it contains pickled objects '
            'that are not plain weights or mmengine training state, and '
            'unpickling them could run arbitrary code. If you trust this '
            f'file, set the environment variable {TRUST_ENV}=1 and retry. '
            f'(torch said: {str(err).splitlines()[0]})') from None


def _download_once(url: str, model_dir: Optional[str]) -> str:
    """The cached copy of ``url`` in ``model_dir`` (default: torch hub's
    ``checkpoints`` folder), downloaded first if missing; torch writes it to
    a temporary file and renames it, so a cached file is always complete."""
    from urllib.parse import urlparse

    from torch.hub import download_url_to_file, get_dir
    model_dir = model_dir or osp.join(get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = osp.join(model_dir, osp.basename(urlparse(url).path))
    if not osp.isfile(cached):
        download_url_to_file(url, cached, progress=False)
    return cached


def load_from_local(filename: str, map_location=None) -> Any:
    """mmengine's local checkpoint scheme, through :func:`safe_torch_load`."""
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return safe_torch_load(filename, map_location)


def load_from_http(filename: str,
                   map_location=None,
                   model_dir: Optional[str] = None) -> Any:
    """mmengine's HTTP(S) scheme, through :func:`safe_torch_load`: rank 0
    downloads into the cache (``model_dir``) while the other ranks wait, then
    every rank loads the cached file, as mmengine does."""
    from mmengine.dist import barrier, get_dist_info
    rank, world_size = get_dist_info()
    if rank == 0:
        cached = _download_once(filename, model_dir)
    if world_size > 1:
        barrier()
        if rank > 0:
            cached = _download_once(filename, model_dir)
    return safe_torch_load(cached, map_location, name=filename)


def register_safe_checkpoint_loaders() -> None:
    """Route mmengine's local and HTTP(S) checkpoint schemes through
    :func:`safe_torch_load` (``CheckpointLoader.register_scheme``, mmengine's
    own extension point)."""
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'), loader=load_from_http, force=True)
