"""Checkpoints: mmengine training state loads, foreign pickles are refused."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

from segfanet_mm.utils import TRUST_ENV, safe_torch_load


class _Payload:
    """Unpickling this creates a marker file: the 'attack'."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def test_mmengine_training_state_loads(tmp_path):
    buf = HistoryBuffer()
    buf.update(0.5)
    state = dict(
        state_dict=dict(w=torch.ones(2)),
        message_hub=dict(
            log_scalars={'loss': buf},
            runtime_info={
                'iter': np.int64(3),
                'arr': np.arange(3.)
            }))
    path = tmp_path / 'ok.pth'
    torch.save(state, path)
    loaded = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert loaded['message_hub']['log_scalars']['loss'].current() == 0.5
    assert loaded['message_hub']['runtime_info']['iter'] == 3


def test_pickled_payload_is_refused_and_never_runs(tmp_path, monkeypatch):
    monkeypatch.delenv(TRUST_ENV, raising=False)
    marker = tmp_path / 'pwned'
    path = tmp_path / 'evil.pth'
    torch.save(dict(state_dict={}, extra=_Payload(str(marker))), path)
    with pytest.raises(pickle.UnpicklingError) as err:
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert str(path) in str(err.value) and TRUST_ENV in str(err.value)
    assert not marker.exists()


def test_opt_in_for_trusted_files(tmp_path, monkeypatch):
    path = tmp_path / 'trusted.pth'
    torch.save(dict(extra=_Payload(str(tmp_path / 'made'))), path)
    monkeypatch.setenv(TRUST_ENV, '1')
    safe_torch_load(str(path))
    assert (tmp_path / 'made').exists()
