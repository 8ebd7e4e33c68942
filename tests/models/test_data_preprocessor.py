"""IVFDataPreProcessor: normalisation, padding, label-free samples."""
import pytest
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from segfanet_mm.models import IVFDataPreProcessor


def sample(h, w, label=True):
    s = SegDataSample()
    if label:
        s.gt_sem_seg = PixelData(data=torch.ones(1, h, w, dtype=torch.long))
    return s


def test_normalises_pads_and_keeps_label_free_samples():
    pre = IVFDataPreProcessor(
        mean=[0, 0, 0, 10], std=[255, 255, 255, 2], size_divisor=8)
    inputs = [
        torch.full((4, 10, 12), 20, dtype=torch.uint8),
        torch.full((4, 13, 9), 30, dtype=torch.uint8)
    ]
    out = pre(
        dict(
            inputs=inputs, data_samples=[sample(10, 12),
                                         sample(13, 9, False)]),
        training=True)
    x, samples = out['inputs'], out['data_samples']
    assert x.shape == (2, 4, 16, 16)
    assert torch.allclose(x[0, 0, 0, 0], torch.tensor(20 / 255))
    assert x[1, 3, 0, 0] == 10.0  # (30 - 10) / 2
    assert x[0, :, 10:, :].eq(0).all()  # padded rows (pad_val 0)
    seg = samples[0].gt_sem_seg.data
    assert seg.shape == (1, 16, 16) and seg[0, 10:, :].eq(255).all()
    assert 'gt_sem_seg' not in samples[1]
    assert samples[1].img_shape == (13, 9)
    vis, ir = IVFDataPreProcessor.split(x)
    assert vis.shape == (2, 3, 16, 16) and ir.shape == (2, 1, 16, 16)


def test_rejects_wrong_channel_count():
    pre = IVFDataPreProcessor()
    with pytest.raises(ValueError, match='4 x H x W'):
        pre(dict(
            inputs=[torch.zeros(3, 8, 8, dtype=torch.uint8)],
            data_samples=[sample(8, 8)]),
            training=True)


@pytest.mark.parametrize('drop, zeroed, kept',
                         [('ir', slice(3, 4), slice(0, 3)),
                          ('vis', slice(0, 3), slice(3, 4))])
@pytest.mark.parametrize('training', [True, False])
def test_drop_modality_zeroes_one_modality(drop, zeroed, kept, training):
    pre = IVFDataPreProcessor(drop_modality=drop)
    image = torch.randint(1, 256, (4, 6, 8), dtype=torch.uint8)
    x = pre(
        dict(inputs=[image], data_samples=[sample(6, 8)]),
        training=training)['inputs']
    assert x[0, zeroed].eq(0).all()
    torch.testing.assert_close(x[0, kept], image[kept].float() / 255)


def test_drop_modality_rejects_unknown_names():
    with pytest.raises(ValueError, match="'ir' or 'vis'"):
        IVFDataPreProcessor(drop_modality='rgb')
