"""SegFANetSegHead: logits and semantic feature S from multi-scale input."""
import torch

from segfanet_mm.models import SegFANetSegHead


def make_head():
    return SegFANetSegHead(
        in_channels=(16, 24, 32),
        in_index=(1, 2, 3),
        channels=12,
        num_classes=3).eval()


def test_forward_with_feature_shapes():
    head = make_head()
    feats = [
        torch.rand(2, c, 84 // s, 130 // s)
        for c, s in [(8, 1), (16, 1), (24, 2), (32, 4)]
    ]
    logits, sem = head.forward_with_feature(feats)
    assert logits.shape == (2, 3, 84, 130)
    assert sem.shape == (2, 12, 84, 130)
    assert torch.equal(head(feats), logits)


def test_is_a_regular_mmseg_head():
    head = make_head()
    assert head.input_transform == 'multiple_select'
    feats = [torch.rand(1, c, 8, 8) for c in (8, 16, 24, 32)]
    out = head.predict(feats, [dict(img_shape=(32, 32), pad_shape=(32, 32))],
                       dict())
    assert out.shape == (1, 3, 32, 32)
