"""Let ``launcher='pytorch'`` (torchrun) work on a CPU-only torch.

mmengine 0.10.7 assumes a GPU when launched by torchrun: it calls
``torch.cuda.set_device(LOCAL_RANK)`` while initialising the process group and
wraps the model in DDP with ``device_ids=[LOCAL_RANK]``. Both fail without
CUDA. When no GPU is available we initialise the group with ``gloo`` and wrap
CPU modules with ``device_ids=None``, as ``torch.nn.parallel`` requires. With
GPUs mmengine's own behaviour is untouched.
"""
import os

import torch


def _init_dist_pytorch_cpu_aware(backend: str = 'nccl',
                                 init_backend: str = 'torch',
                                 **kwargs) -> None:
    """mmengine's torchrun initialisation, falling back to gloo on CPU."""
    if torch.cuda.is_available():
        return _ORIGINAL_INIT(backend, init_backend=init_backend, **kwargs)
    import torch.distributed as torch_dist
    torch_dist.init_process_group(
        backend='gloo',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **kwargs)


_ORIGINAL_INIT = None


def patch_cpu_distributed() -> None:
    """Install the CPU fallbacks into mmengine (idempotent)."""
    global _ORIGINAL_INIT
    import mmengine.dist.utils as dist_utils
    from mmengine.model import MMDistributedDataParallel

    if _ORIGINAL_INIT is None:
        _ORIGINAL_INIT = dist_utils._init_dist_pytorch
        dist_utils._init_dist_pytorch = _init_dist_pytorch_cpu_aware

    if getattr(MMDistributedDataParallel, '_segfanet_cpu_aware', False):
        return
    original_ddp_init = MMDistributedDataParallel.__init__

    def ddp_init(self, module, detect_anomalous_params=False, **kwargs):
        first = next(module.parameters(), None)
        if first is not None and first.device.type == 'cpu':
            kwargs['device_ids'] = None
            kwargs.pop('output_device', None)
        original_ddp_init(self, module, detect_anomalous_params, **kwargs)

    MMDistributedDataParallel.__init__ = ddp_init
    MMDistributedDataParallel._segfanet_cpu_aware = True
