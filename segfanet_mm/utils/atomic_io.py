"""Write files so that a crash never leaves a half-written one behind."""
import os
import os.path as osp
import tempfile

import cv2
import numpy as np


def _current_umask() -> int:
    """The process umask (reading it requires setting it; restored at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, fsync, rename.

    ``os.replace`` is atomic on POSIX and Windows: readers see either the old
    file or the complete new one. The file gets the permissions a plain
    ``open(path, 'wb')`` would give (0o666 minus the umask), not
    ``mkstemp``'s private 0o600.
    """
    folder = osp.dirname(osp.abspath(path))
    fd, tmp = tempfile.mkstemp(
        prefix='.' + osp.basename(path) + '.', suffix='.tmp', dir=folder)
    try:
        if hasattr(os, 'fchmod'):  # POSIX
            os.fchmod(fd, 0o666 & ~_current_umask())
        with os.fdopen(fd, 'wb') as f:
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_imwrite(path: str, image: np.ndarray) -> None:
    """Encode ``image`` (OpenCV channel order) by the extension of ``path``
    and write it atomically."""
    ext = osp.splitext(path)[1] or '.png'
    try:
        ok, buf = cv2.imencode(ext, image)
    except cv2.error:
        ok = False
    if not ok:
        raise ValueError(f'{path}: OpenCV cannot encode a {image.shape} '
                         f'{image.dtype} image as {ext}')
    atomic_write_bytes(path, buf.tobytes())
