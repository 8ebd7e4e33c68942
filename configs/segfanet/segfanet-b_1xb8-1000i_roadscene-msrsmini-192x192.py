# SegFANet-B on the real-data recipe, for a GPU (docs/results.md,
# "SegFANet-B on a GPU"): the data and schedule of
# segfanet-s_1xb8-1000i_roadscene-msrsmini-192x192.py, with the fusion loss
# of S's first release (intensity 3, gradient 10, SSIM 3), which B was
# trained and scored with.
_base_ = [
    '../_base_/models/segfanet_b.py', '../_base_/datasets/real_mixed.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_1000i.py'
]
model = dict(
    decode_head=dict(num_classes=2), fusion_loss=dict(w_int=3.0, w_ssim=3.0))
