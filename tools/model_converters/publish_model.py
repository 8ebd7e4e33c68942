"""Strip a training checkpoint down to its weights for release.

    python tools/model_converters/publish_model.py IN.pth OUT.pth [--half]

Keeps only ``state_dict`` (no optimizer, message hub or meta: a plain state
dict, which ``segfanet_mm.apis.init_fusion_model`` and ``tools/fuse.py``
load, and which torch's ``weights_only`` loader accepts without the
project's allow-list), writes atomically and prints the size and SHA-256
(mmseg's publish_model appends the hash's first 8 hex digits to the name;
pass that name as OUT if you want it).
"""
import argparse
import hashlib
import io
import os.path as osp

import torch

from segfanet_mm.utils import atomic_write_bytes, safe_torch_load


def publishable_state_dict(checkpoint: dict,
                           half: bool = False) -> 'dict[str, torch.Tensor]':
    """Inference weights of a checkpoint (or of a plain state dict)."""
    state = checkpoint.get('state_dict', checkpoint)
    out = {}
    for key, value in state.items():
        if half and value.is_floating_point():
            value = value.half()
        out[key] = value.detach().clone().contiguous()
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('input', help='training checkpoint (.pth)')
    parser.add_argument('output', help='released weights (.pth)')
    parser.add_argument(
        '--half',
        action='store_true',
        help='store floating-point weights as float16')
    args = parser.parse_args(argv)
    if osp.abspath(args.input) == osp.abspath(args.output):
        raise SystemExit('error: OUT must differ from IN')
    state = publishable_state_dict(
        safe_torch_load(args.input, map_location='cpu'), args.half)
    buffer = io.BytesIO()
    torch.save(state, buffer)
    data = buffer.getvalue()
    atomic_write_bytes(args.output, data)
    print(f'wrote {args.output}: {len(state)} tensors, '
          f'{sum(v.numel() for v in state.values()):,} values, '
          f'{len(data) / 2**20:.2f} MiB, sha256 '
          f'{hashlib.sha256(data).hexdigest()}')


if __name__ == '__main__':
    main()
