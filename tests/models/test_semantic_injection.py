"""SemanticInjection: identity at start, x * (1 + gamma) + beta after."""
import torch

from segfanet_mm.models import SemanticInjection


def test_starts_as_identity_at_any_scale():
    block = SemanticInjection(6, sem_channels=5, hidden_channels=4)
    sem = torch.rand(2, 5, 12, 16)
    for size in [(6, 8), (12, 16), (47, 63)]:
        x = torch.rand(2, 6, *size)
        assert torch.equal(block(x, sem), x)


def test_modulates_after_update():
    block = SemanticInjection(6, sem_channels=5, hidden_channels=4)
    torch.nn.init.normal_(block.gamma_beta.weight)
    x, sem = torch.rand(2, 6, 25, 33), torch.rand(2, 5, 12, 16)
    out = block(x, sem)
    assert out.shape == x.shape
    assert (out - x).abs().max() > 0
    # depends on S
    assert (block(x, sem + 1) - out).abs().max() > 0
