"""The third-party patches: listed by one call, applied only where needed,
and each preventing a failure that is shown here."""
import json
import pickle
import subprocess
import sys
import textwrap
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from segfanet_mm.utils import applied_patches, has_compiled_mmcv_ops
from segfanet_mm.utils.checkpoint_compat import load_from_http
from segfanet_mm.utils.compat import PATCHES

# Everything of mmengine that an earlier version of this package rebound,
# and the checkpoint schemes, fingerprinted before and after
# `import segfanet_mm` in a fresh interpreter; also whether a warnings
# filter silencing torch.jit's deprecation (once set here) was added.
FINGERPRINT = textwrap.dedent('''
    import json, sys, warnings
    {prelude}
    import mmengine.dist.utils as dist_utils
    import mmengine.hooks.checkpoint_hook as checkpoint_hook
    import mmengine.runner.runner as runner_module
    from mmengine.fileio.backends import backends
    from mmengine.model import MMDistributedDataParallel
    from mmengine.runner.checkpoint import CheckpointLoader

    def fingerprint():
        return dict(
            init_dist=id(dist_utils._init_dist_pytorch),
            ddp_init=id(MMDistributedDataParallel.__init__),
            find_latest=id(runner_module.find_latest_checkpoint),
            hook_open=id(getattr(checkpoint_hook, 'open', None)),
            local_backend=id(backends['local']),
            schemes={{k: id(v) for k, v in CheckpointLoader._schemes.items()}},
            jit_filters=sum('jit' in str(getattr(f[1], 'pattern', ''))
                            for f in warnings.filters))

    before = fingerprint()
    import segfanet_mm
    after = fingerprint()
    changed = sorted(k for k in before if before[k] != after[k])
    schemes = sorted(k for k in before['schemes']
                     if before['schemes'][k] != after['schemes'].get(k))
    print(json.dumps(dict(changed=changed, schemes=schemes,
                          applied=segfanet_mm.utils.applied_patches())))
''')


def import_in_fresh_interpreter(prelude: str = '') -> dict:
    code = FINGERPRINT.format(prelude=prelude)
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_pinned_versions_get_exactly_the_listed_patches():
    result = import_in_fresh_interpreter()
    expected = [p.name for p in PATCHES if p.needed()]
    assert result['applied'] == expected == applied_patches()
    # the only mmengine change: the local and HTTP(S) checkpoint schemes
    if 'safe_checkpoint_loaders' in expected:
        assert result['changed'] == ['schemes']
        assert result['schemes'] == ['', 'http://', 'https://']
    else:
        assert result['changed'] == []


@pytest.mark.slow
def test_versions_without_the_faults_leave_mmengine_untouched():
    """torch < 2.6 loads mmengine checkpoints itself: nothing is patched."""
    result = import_in_fresh_interpreter(
        "import torch; torch.__version__ = '2.5.1'")
    assert 'safe_checkpoint_loaders' not in result['applied']
    assert result['changed'] == [] and result['schemes'] == []


def _runner_style_checkpoint(path) -> None:
    history = HistoryBuffer()
    history.update(0.25)
    torch.save(
        dict(
            state_dict=dict(w=torch.ones(2)),
            message_hub=dict(
                log_scalars=dict(loss=history),
                runtime_info=dict(iter=np.int64(4)))), path)


@pytest.mark.skipif(
    'safe_checkpoint_loaders' not in applied_patches(),
    reason='torch < 2.6: mmengine loads its checkpoints')
def test_safe_loaders_prevent_mmengine_1655(tmp_path):
    path = tmp_path / 'iter_4.pth'
    _runner_style_checkpoint(path)
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer'):
        mmengine_checkpoint.load_from_local(str(path), 'cpu')  # mmengine's
    loaded = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert loaded['message_hub']['runtime_info']['iter'] == 4


@pytest.mark.slow
@pytest.mark.skipif(has_compiled_mmcv_ops(), reason='full mmcv installed')
def test_mmcv_placeholder_prevents_mmseg_871():
    """Without the placeholder mmseg does not import on mmcv-lite."""
    code = 'import mmseg.models'
    out = subprocess.run([sys.executable, '-c', code],
                         capture_output=True,
                         text=True,
                         timeout=300)
    assert out.returncode != 0 and "No module named 'mmcv._ext'" in out.stderr
    out = subprocess.run([
        sys.executable, '-W', 'default', '-c',
        'import segfanet_mm, mmseg.models'
    ],
                         capture_output=True,
                         text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert 'Fail to import' not in out.stderr  # no mmcv-lite warning


def test_http_checkpoints_download_once_into_the_cache(tmp_path, monkeypatch):
    """mmengine's HTTP behaviour is kept: download into the torch hub cache
    (or ``model_dir``), later loads from there."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    served = tmp_path / 'served'
    served.mkdir()
    _runner_style_checkpoint(served / 'weights.pth')
    handler = partial(SimpleHTTPRequestHandler, directory=str(served))
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    Thread(target=server.serve_forever, daemon=True).start()
    url = f'http://127.0.0.1:{server.server_address[1]}/weights.pth'
    try:
        loaded = CheckpointLoader.load_checkpoint(url, map_location='cpu')
        load_from_http(url, model_dir=str(tmp_path / 'model_dir'))
    finally:
        server.shutdown()
        server.server_close()
    assert loaded['message_hub']['runtime_info']['iter'] == 4
    cached = tmp_path / 'torch_home' / 'hub' / 'checkpoints' / 'weights.pth'
    assert cached.is_file() and (tmp_path / 'model_dir' /
                                 'weights.pth').is_file()
    # the server is gone: this load comes from the cache
    again = CheckpointLoader.load_checkpoint(url, map_location='cpu')
    torch.testing.assert_close(again['state_dict']['w'], torch.ones(2))
