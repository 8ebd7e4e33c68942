# SegFANet-B on the demo data: shows the GPU-sized variant runs; on CPU it
# is slow.
_base_ = ['./segfanet-s_1xb4-400i_demo-128x128.py', '../_base_/models/segfanet_b.py']
model = {{_base_.segfanet_b}}
