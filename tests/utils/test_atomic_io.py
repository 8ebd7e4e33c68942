"""Atomic file writes: complete content, normal permissions, no debris."""
import os
import stat

import numpy as np
import pytest

from segfanet_mm.utils import atomic_imwrite, atomic_write_bytes


@pytest.mark.skipif(os.name != 'posix', reason='POSIX permissions')
def test_permissions_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write_bytes(str(tmp_path / 'a.bin'), b'abc')
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / 'a.bin').stat().st_mode)
    assert mode == 0o640
    assert (tmp_path / 'a.bin').read_bytes() == b'abc'


def test_failed_encode_keeps_the_old_file(tmp_path):
    path = tmp_path / 'img.png'
    atomic_imwrite(str(path), np.zeros((4, 5, 3), np.uint8))
    before = path.read_bytes()
    with pytest.raises(ValueError, match='cannot encode'):
        atomic_imwrite(str(path), np.zeros((4, 5, 7), np.uint8))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ['img.png']
