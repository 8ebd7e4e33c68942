"""Self-supervised alignment of fusion features to segmentation features.

Project's reconstruction of the "self-supervised segmentation feature
alignment" named in the abstract of Qiu, Zhao & Wang (CJIF 2025); the exact
formulation there is not public (see ``docs/model.md``).
"""
from typing import Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.models.utils import resize
from mmseg.registry import MODELS
from torch import Tensor


def _mlp(in_dims: int, out_dims: int) -> nn.Sequential:
    """Two-layer per-pixel MLP (a 1x1-conv head applied to sampled pixels)."""
    return nn.Sequential(
        nn.Linear(in_dims, out_dims), nn.ReLU(inplace=True),
        nn.Linear(out_dims, out_dims))


@MODELS.register_module()
class SegFeatureAlignmentLoss(nn.Module):
    """Pixel-level alignment between the fusion decoder feature and S.

    K locations are sampled uniformly per image (the same locations on both
    maps; S is bilinearly resized to the fusion feature's size if needed).
    Projection heads map the sampled fusion vectors and S vectors to
    ``embed_dims``-d embeddings ``z_f, z_s``, L2-normalised per pixel.

    ``mode='infonce'``: for each image, with ``l_ij = <z_f_i, z_s_j> / tau``
    over the K sampled pixels, the positive of pixel i is the co-located
    pixel and the others are negatives::

        L = mean_i -log(exp(l_ii) / sum_j exp(l_ij))

    (``symmetric``: the average with the same term on ``l^T``).

    ``mode='cosine'``: BYOL/SimSiam-style with a predictor ``q`` and
    stop-gradient on the target::

        L = mean_i (2 - 2 cos(q(z_f_i), sg(z_s_i)))

    (``symmetric``: average with ``2 - 2 cos(q(z_s_i), sg(z_f_i))``).

    With ``detach_seg=True`` (default) S is detached, so the loss shapes the
    fusion features (and its own projection heads) but never the
    segmentation branch. No label is used. In non-symmetric cosine mode the
    S projection never receives a gradient (its output is the stop-gradient
    target), so it is frozen as a fixed random projection; this also keeps
    DDP free of unused trainable parameters.

    Args:
        fus_channels: channels of the fusion decoder feature (SegFANet fills
            it in from its fusion head when the config omits it).
        seg_channels: channels of S (SegFANet fills it in from its decode
            head when the config omits it).
        embed_dims: embedding size d.
        num_samples: sampled locations K per image.
        temperature: InfoNCE temperature tau.
        mode: ``'infonce'`` or ``'cosine'``.
        symmetric: also align S to the fusion feature (see above).
        detach_seg: stop gradients into the segmentation branch.
        loss_weight: lambda_align.
        loss_name: key of the loss in SegFANet's loss dict.
    """

    def __init__(self,
                 fus_channels: int,
                 seg_channels: int,
                 embed_dims: int = 32,
                 num_samples: int = 256,
                 temperature: float = 0.1,
                 mode: str = 'infonce',
                 symmetric: bool = False,
                 detach_seg: bool = True,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_align') -> None:
        super().__init__()
        if mode not in ('infonce', 'cosine'):
            raise ValueError(f"mode must be 'infonce' or 'cosine', got {mode}")
        self.num_samples = num_samples
        self.temperature = temperature
        self.mode = mode
        self.symmetric = symmetric
        self.detach_seg = detach_seg
        self.loss_weight = loss_weight
        self._loss_name = loss_name
        self.proj_fus = _mlp(fus_channels, embed_dims)
        self.proj_seg = _mlp(seg_channels, embed_dims)
        if mode == 'cosine':
            self.predictor = _mlp(embed_dims, embed_dims)
            self.proj_seg.requires_grad_(symmetric)

    @property
    def loss_name(self) -> str:
        """Key of this loss in the segmentor's loss dict."""
        return self._loss_name

    def _sample(self, fus_feat: Tensor,
                seg_feat: Tensor) -> Tuple[Tensor, Tensor]:
        """Gather the same K random locations of both maps as (B, K, C)."""
        b, _, h, w = fus_feat.shape
        k = min(self.num_samples, h * w)
        idx = torch.rand(b, h * w, device=fus_feat.device).topk(k, dim=1)[1]

        def gather(feat: Tensor) -> Tensor:
            flat = feat.flatten(2)
            return flat.gather(2, idx[:, None].expand(-1, flat.shape[1], -1))\
                .transpose(1, 2)

        return gather(fus_feat), gather(seg_feat)

    def _infonce(self, z_a: Tensor, z_b: Tensor) -> Tensor:
        logits = z_a @ z_b.transpose(1, 2) / self.temperature
        b, k, _ = logits.shape
        target = torch.arange(k, device=logits.device).repeat(b)
        return F.cross_entropy(logits.reshape(b * k, k), target)

    def _cosine(self, z_online: Tensor, z_target: Tensor) -> Tensor:
        pred = F.normalize(self.predictor(z_online), dim=-1)
        return (2 - 2 * (pred * z_target.detach()).sum(-1)).mean()

    def forward(self, fus_feat: Tensor, seg_feat: Tensor) -> Tensor:
        """Weighted alignment loss.

        Args:
            fus_feat: (B, C_f, h, w) fusion decoder feature.
            seg_feat: (B, C_s, h', w') semantic feature S.
        """
        if self.detach_seg:
            seg_feat = seg_feat.detach()
        if seg_feat.shape[2:] != fus_feat.shape[2:]:
            seg_feat = resize(
                seg_feat,
                size=fus_feat.shape[2:],
                mode='bilinear',
                align_corners=False)
        v_f, v_s = self._sample(fus_feat, seg_feat)
        z_f = F.normalize(self.proj_fus(v_f), dim=-1)
        z_s = F.normalize(self.proj_seg(v_s), dim=-1)
        if self.mode == 'infonce':
            loss = self._infonce(z_f, z_s)
            if self.symmetric:
                loss = (loss + self._infonce(z_s, z_f)) / 2
        else:
            loss = self._cosine(z_f, z_s)
            if self.symmetric:
                loss = (loss + self._cosine(z_s, z_f)) / 2
        return self.loss_weight * loss
