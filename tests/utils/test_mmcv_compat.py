"""mmseg imports on mmcv-lite, and the shim steps aside for a full mmcv."""
import importlib
import subprocess
import sys
import textwrap

import pytest
import torch

import segfanet_mm  # noqa: F401
from segfanet_mm.utils import has_compiled_mmcv_ops


def test_mmseg_entry_points_import():
    for name in ('mmseg.apis', 'mmseg.models', 'mmseg.datasets',
                 'mmseg.visualization', 'mmseg.utils'):
        importlib.import_module(name)


@pytest.mark.skipif(has_compiled_mmcv_ops(), reason='full mmcv installed')
def test_placeholder_ops_work_or_fail_loudly():
    import mmcv.ops
    from mmcv.ops import point_sample
    feats = torch.arange(16.).view(1, 1, 4, 4)
    out = point_sample(feats, torch.tensor([[[0.5, 0.5]]]))
    assert out.shape == (1, 1, 1)
    from mmcv.ops import DeformConv2d
    with pytest.raises(RuntimeError, match='compiled ops'):
        DeformConv2d(3, 3, 3)
    assert mmcv.ops.__spec__ is not None


def test_steps_aside_when_compiled_ops_exist(tmp_path):
    """With an ``mmcv._ext`` present, no placeholder is installed."""
    code = textwrap.dedent(f'''
        import importlib.machinery, importlib.util, sys, types
        ext = types.ModuleType('mmcv._ext')
        ext.__spec__ = importlib.machinery.ModuleSpec('mmcv._ext', None)
        sys.modules['mmcv._ext'] = ext
        spec = importlib.util.spec_from_file_location(
            'compat', {str(segfanet_mm.utils.mmcv_compat.__file__)!r})
        compat = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(compat)
        assert compat.has_compiled_mmcv_ops()
        assert compat.install_mmcv_ops_placeholder() is False
        assert 'mmcv.ops' not in sys.modules
        print('ok')
    ''')
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == 'ok'
