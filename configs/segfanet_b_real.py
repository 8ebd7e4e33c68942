# SegFANet-B with SegFANet-S's real-data recipe (configs/segfanet_s_real.py:
# same data, losses, 1000 iterations of batch 8), for a GPU. Results:
# docs/results.md.
_base_ = ['./segfanet_s_real.py', './_base_/models/segfanet_b.py']
model = {{_base_.segfanet_b}}
