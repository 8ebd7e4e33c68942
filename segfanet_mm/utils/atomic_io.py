"""Write files so that a crash never leaves a half-written one behind."""
import os
import os.path as osp
import tempfile

import cv2
import numpy as np


def atomic_write_bytes(path: str, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, fsync, rename.

    ``os.replace`` is atomic on POSIX and Windows: readers see either the old
    file or the complete new one.
    """
    folder = osp.dirname(osp.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix='.' + osp.basename(path) + '.',
                               suffix='.tmp', dir=folder)
    try:
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
    ok, buf = cv2.imencode(ext, image)
    if not ok:
        raise ValueError(f'{path}: OpenCV cannot encode a {image.shape} '
                         f'{image.dtype} image as {ext}')
    atomic_write_bytes(path, buf.tobytes())
