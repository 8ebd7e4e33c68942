# SegFANet-B on the demo data: shows the GPU-sized variant runs; on CPU it
# is slow.
_base_ = ['./segfanet_demo.py', './_base_/models/segfanet_b.py']
model = {{_base_.segfanet_b}}
