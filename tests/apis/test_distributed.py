"""finish_distributed: an orderly end of a distributed run."""
import torch.distributed as dist

from segfanet_mm.apis import finish_distributed


def test_destroys_the_default_group_after_a_collective(tmp_path):
    dist.init_process_group(
        'gloo',
        init_method=f'file://{tmp_path / "store"}',
        rank=0,
        world_size=1)
    objects = [{'mIoU': 1.0}]
    dist.broadcast_object_list(objects, src=0)
    finish_distributed()
    assert not dist.is_initialized()


def test_does_nothing_without_a_process_group():
    assert not dist.is_initialized()
    finish_distributed()
    assert not dist.is_initialized()
