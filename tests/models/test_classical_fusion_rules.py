"""The batched classical-rule module (mean, max on the luminance)."""
import pytest
import torch

from segfanet_mm.models import ClassicalFusion
from segfanet_mm.utils.colour import luminance


def test_batched_module_matches_and_rejects_unknown_rule():
    x = torch.rand(2, 4, 8, 9)
    y = ClassicalFusion('max').fuse_luminance(x)
    assert torch.equal(y, torch.maximum(x[:, 3:], luminance(x[:, :3])))
    assert ClassicalFusion('mean')(x).shape == (2, 3, 8, 9)
    with pytest.raises(ValueError, match='unknown fusion rule'):
        ClassicalFusion('median')
