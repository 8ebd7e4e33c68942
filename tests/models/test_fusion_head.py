"""FusionHead: full-resolution fused luminance and the alignment feature."""
import pytest
import torch

from segfanet_mm.models import FusionHead

WIDTHS = (8, 16, 24, 32)


def feats_for(h, w, batch=2):
    sizes = [(h, w)]
    for _ in WIDTHS:
        sizes.append((-(-sizes[-1][0] // 2), -(-sizes[-1][1] // 2)))
    return [torch.rand(batch, c, *s) for c, s in zip(WIDTHS, sizes[1:])]


@pytest.mark.parametrize('injection', [True, False])
def test_output_at_odd_size(injection):
    head = FusionHead(
        in_channels=WIDTHS,
        channels=(4, 8, 12),
        full_res_channels=4,
        sem_channels=6,
        semantic_injection=injection)
    sources = torch.rand(2, 2, 333, 517)
    sem = torch.rand(2, 6, 84, 130) if injection else None
    fused, align_feat = head(feats_for(333, 517), sources, sem)
    assert fused.shape == (2, 1, 333, 517)
    assert fused.min() >= 0 and fused.max() <= 1
    assert align_feat.shape == (2, 8, 84, 130)
    assert head.align_channels == 8


def test_semantics_reach_the_output():
    head = FusionHead(
        in_channels=WIDTHS, channels=(4, 8, 12), sem_channels=6).eval()
    for block in head.injections:
        torch.nn.init.normal_(block.gamma_beta.weight, std=0.1)
    feats, sources = feats_for(32, 48, 1), torch.rand(1, 2, 32, 48)
    sem = torch.rand(1, 6, 8, 12)
    a, _ = head(feats, sources, sem)
    b, _ = head(feats, sources, sem * 2)
    assert (a - b).abs().max() > 0


def test_residual_over_max_starts_at_the_max_rule_and_learns():
    head = FusionHead(
        in_channels=WIDTHS,
        channels=(4, 8, 12),
        semantic_injection=False,
        residual_over_max=True)
    head.init_weights()
    feats, sources = feats_for(32, 48, 1), torch.rand(1, 2, 32, 48)
    fused, _ = head(feats, sources)
    assert torch.equal(fused, sources.amax(1, keepdim=True))
    # one step towards a darker target moves the output off the max rule
    optimizer = torch.optim.SGD(head.parameters(), lr=0.1)
    (fused - 0.5 * sources.amax(1, keepdim=True)).abs().mean().backward()
    optimizer.step()
    moved, _ = head(feats, sources)
    assert (moved - fused).abs().max() > 0
    assert moved.min() >= 0 and moved.max() <= 1


def test_config_errors():
    with pytest.raises(ValueError):
        FusionHead(in_channels=WIDTHS, channels=(4, 8), sem_channels=6)
    with pytest.raises(ValueError):
        FusionHead(in_channels=WIDTHS, channels=(4, 8, 12))  # no sem_channels
    head = FusionHead(in_channels=WIDTHS, channels=(4, 8, 12), sem_channels=6)
    with pytest.raises(ValueError):
        head(feats_for(32, 32), torch.rand(2, 2, 32, 32), None)
