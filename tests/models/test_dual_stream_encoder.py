"""DualStreamEncoder: shapes at odd sizes, both streams trained, options."""
import pytest
import torch
from mmengine.analysis import parameter_count

from segfanet_mm.models import DualStreamEncoder


@pytest.mark.parametrize('vis_mode', ['y', 'rgb'])
def test_shapes_at_odd_size(vis_mode):
    encoder = DualStreamEncoder(
        widths=(8, 16, 24, 32),
        depths=(0, 1, 1, 0),
        strides=(2, 4, 8, 16),
        vis_mode=vis_mode)
    feats = encoder(torch.rand(2, 4, 333, 517))
    expected = [(2, 8, 167, 259), (2, 16, 84, 130), (2, 24, 42, 65),
                (2, 32, 21, 33)]
    assert [tuple(f.shape) for f in feats] == expected
    assert encoder.size_divisor == 16


def test_strides_larger_first_step():
    encoder = DualStreamEncoder(
        widths=(8, 8, 8, 8), depths=(1, 0, 0, 0), strides=(4, 8, 16, 32))
    feats = encoder(torch.rand(1, 4, 64, 64))
    assert [f.shape[-1] for f in feats] == [16, 8, 4, 2]


def test_gradients_reach_both_streams():
    encoder = DualStreamEncoder(widths=(8, 16, 24, 32), depths=(0, 1, 1, 1))
    sum(f.mean() for f in encoder(torch.rand(2, 4, 48, 64))).backward()
    for stream in (encoder.ir_stream, encoder.vis_stream):
        grads = [p.grad for p in stream.parameters()]
        assert all(g is not None for g in grads)
        assert sum(g.abs().sum() for g in grads) > 0


def test_streams_see_their_modality():
    """Visible-only and IR-only changes both reach every output."""
    encoder = DualStreamEncoder(widths=(8, 8, 8, 8)).eval()
    x = torch.rand(1, 4, 32, 32)
    base = encoder(x)
    for channels in (slice(0, 3), slice(3, 4)):
        changed = x.clone()
        changed[:, channels] = torch.rand_like(changed[:, channels])
        assert all(
            (a - b).abs().max() > 0 for a, b in zip(base, encoder(changed)))


def test_inverted_residual_blocks():
    """MobileNetV2 blocks: same feature shapes, expand_ratio times wider
    inside, fewer parameters than basic blocks, gradients to both streams."""
    kwargs = dict(widths=(16, 32, 48, 64), depths=(1, 2, 2, 2), vis_mode='rgb')
    basic = DualStreamEncoder(**kwargs)
    inverted = DualStreamEncoder(
        block='inverted_residual', expand_ratio=6, **kwargs)
    x = torch.rand(2, 4, 64, 96)
    feats = inverted(x)
    assert [f.shape for f in feats] == [f.shape for f in basic(x)]
    hidden = {
        m.out_channels
        for m in inverted.ir_stream[3].modules()
        if isinstance(m, torch.nn.Conv2d) and m.groups > 1
    }
    assert hidden == {6 * 64}
    assert any(
        isinstance(m, torch.nn.ReLU6) for m in inverted.vis_stream.modules())
    assert parameter_count(inverted)[''] < 0.8 * parameter_count(basic)['']
    sum(f.mean() for f in feats).backward()
    for stream in (inverted.ir_stream, inverted.vis_stream):
        assert all(p.grad is not None for p in stream.parameters())


@pytest.mark.parametrize('kwargs', [
    dict(widths=(8, 8), depths=(0, 0, 0), strides=(2, 4, 8)),
    dict(strides=(2, 6, 12, 24)),
    dict(vis_mode='gray'),
    dict(block='bottleneck'),
])
def test_rejects_bad_config(kwargs):
    with pytest.raises(ValueError):
        DualStreamEncoder(**kwargs)
