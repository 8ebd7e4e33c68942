"""Outputs never overwrite inputs, also when reached through links
(segfanet_mm.utils.output_guard, tools/fuse.py, SaveFusionResultsHook)."""
import os

import cv2
import numpy as np
import pytest
from tool_runs import call_tool

from segfanet_mm.utils import (OutputOverlapError, check_output_file,
                               check_output_folder, resolved)


def test_folder_through_a_link_or_inside_is_refused(tmp_path):
    inputs = tmp_path / 'ir'
    inputs.mkdir()
    (tmp_path / 'link').symlink_to(inputs)
    for out in (tmp_path / 'link', tmp_path / 'link' / 'fused', inputs):
        with pytest.raises(OutputOverlapError, match='inside the input'):
            check_output_folder(str(out), [str(inputs)])
    (tmp_path / 'ir2').mkdir()  # a sibling whose name extends 'ir'
    check_output_folder(str(tmp_path / 'ir2'), [str(inputs)])
    check_output_folder(str(tmp_path / 'out'), [str(inputs)])


def test_file_linked_to_an_input_is_refused(tmp_path):
    image = tmp_path / 'a.png'
    image.write_bytes(b'x')
    (tmp_path / 'b.png').symlink_to(image)
    with pytest.raises(OutputOverlapError, match='resolves to'):
        check_output_file(str(tmp_path / 'b.png'), resolved([str(image)]))
    check_output_file(str(tmp_path / 'c.png'), resolved([str(image)]))


@pytest.mark.slow
def test_fuse_cli_keeps_inputs_behind_a_link(tmp_path):
    for folder in ('ir', 'vis'):
        (tmp_path / folder).mkdir()
    cv2.imwrite(str(tmp_path / 'ir' / 'p.png'), np.full((8, 8), 200, np.uint8))
    cv2.imwrite(
        str(tmp_path / 'vis' / 'p.png'), np.full((8, 8, 3), 30, np.uint8))
    before = (tmp_path / 'vis' / 'p.png').read_bytes()
    (tmp_path / 'link').symlink_to(tmp_path / 'vis')
    (tmp_path / 'out' / 'fused_rgb').mkdir(parents=True)
    (tmp_path / 'out' / 'fused_rgb' / 'p.png').symlink_to(tmp_path / 'vis' /
                                                          'p.png')

    def fuse(out):  # --overwrite: past the rerun check, to the output guard
        return call_tool('tools/fuse.py', '--rule', 'max', '--ir',
                         tmp_path / 'ir', '--vis', tmp_path / 'vis', '--out',
                         out, '--overwrite')

    for out in (tmp_path / 'link', tmp_path / 'out'):
        run = fuse(out)
        assert run.returncode != 0 and 'refusing' in run.stderr
        assert 'Traceback' not in run.stderr
    assert (tmp_path / 'vis' / 'p.png').read_bytes() == before
    os.remove(tmp_path / 'out' / 'fused_rgb' / 'p.png')
    assert fuse(tmp_path / 'out').returncode == 0
    assert (tmp_path / 'vis' / 'p.png').read_bytes() == before
