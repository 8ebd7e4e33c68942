"""SegFeatureAlignmentLoss: prefers co-located pairs, respects detach."""
import pytest
import torch

from segfanet_mm.models import SegFeatureAlignmentLoss


def tied_loss(**kwargs):
    """A loss whose two projection heads compute the same function, so that
    identical features give identical embeddings."""
    loss = SegFeatureAlignmentLoss(
        8, 8, embed_dims=16, num_samples=64, **kwargs)
    loss.proj_fus.load_state_dict(loss.proj_seg.state_dict())
    if kwargs.get('mode') == 'cosine':
        with torch.no_grad():  # predictor = identity
            loss.predictor[0].weight.copy_(torch.eye(16))
            loss.predictor[0].bias.zero_()
            loss.predictor[2].weight.copy_(torch.eye(16))
            loss.predictor[2].bias.zero_()
    return loss


@pytest.mark.parametrize('kwargs', [
    dict(mode='infonce'),
    dict(mode='infonce', symmetric=True),
    dict(mode='cosine'),
    dict(mode='cosine', symmetric=True),
])
def test_matched_lower_than_shuffled(kwargs):
    torch.manual_seed(0)
    loss = tied_loss(**kwargs)
    seg = torch.randn(2, 8, 12, 16).relu()  # predictor input after ReLU
    shuffled = seg.flatten(2)[..., torch.randperm(12 * 16)].view_as(seg)
    matched = loss(seg.clone(), seg)
    mismatched = loss(shuffled, seg)
    assert matched.item() < mismatched.item()
    assert matched.dim() == 0


def test_resizes_seg_feature_and_weights():
    loss = SegFeatureAlignmentLoss(8, 5, loss_weight=0.0)
    out = loss(torch.rand(2, 8, 20, 30), torch.rand(2, 5, 10, 15))
    assert out.item() == 0
    assert loss.loss_name == 'loss_align'


@pytest.mark.parametrize('mode', ['infonce', 'cosine'])
@pytest.mark.parametrize('detach', [True, False])
def test_gradient_into_segmentation_side(mode, detach):
    loss = SegFeatureAlignmentLoss(
        8, 8, mode=mode, symmetric=True, detach_seg=detach)
    fus = torch.rand(2, 8, 10, 10, requires_grad=True)
    seg = torch.rand(2, 8, 10, 10, requires_grad=True)
    loss(fus, seg).backward()
    assert fus.grad.abs().sum() > 0
    if detach:
        assert seg.grad is None
    else:
        assert seg.grad.abs().sum() > 0


def test_cosine_target_projection_frozen_when_one_sided():
    loss = SegFeatureAlignmentLoss(8, 8, mode='cosine')
    assert not any(p.requires_grad for p in loss.proj_seg.parameters())
    assert all(p.requires_grad for p in loss.proj_fus.parameters())


def test_rejects_unknown_mode():
    with pytest.raises(ValueError):
        SegFeatureAlignmentLoss(8, 8, mode='l2')
