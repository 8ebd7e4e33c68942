"""Write IR | visible | fused | prediction | ground-truth panels while
validating and testing."""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from ...datasets.ivf_dataset import IVFDataset
from ...datasets.transforms.image_io import image_stem
from ...utils.uint8_image import to_uint8_image
from ...visualization import make_panel


@HOOKS.register_module()
class FusionVisualizationHook(Hook):
    """Every ``interval`` validation/test batches, draw panels of the first
    ``max_per_batch`` images and hand them to the runner's visualizer, which
    writes them to every configured vis backend (local files under
    ``work_dir/<timestamp>/vis_data/vis_image`` by default; TensorBoard or
    others when configured in ``vis_backends``).

    Validation panels are stamped with the training iteration, test panels
    with step 0 (each image has its own tag): ``runner.iter`` would build the
    training loop and its data set, which testing must never touch.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 4,
                 max_per_batch: int = 1,
                 height: int = 0) -> None:
        self.interval = interval
        self.max_per_batch = max_per_batch
        self.height = height

    def _draw(self, runner, data_batch: dict, outputs: Sequence,
              batch_idx: int, mode: str, step: int) -> None:
        if batch_idx % self.interval:
            return
        palette = runner.visualizer.dataset_meta.get('palette') if getattr(
            runner.visualizer, 'dataset_meta', None) else None
        palette = palette or IVFDataset.METAINFO['palette']
        for inputs, sample in list(zip(data_batch['inputs'],
                                       outputs))[:self.max_per_batch]:
            image = inputs.cpu().numpy().transpose(1, 2, 0)
            fused = to_uint8_image(sample.pred_fused_rgb.data) \
                if 'pred_fused_rgb' in sample else None
            pred = sample.pred_sem_seg.data[0].cpu().numpy() \
                if 'pred_sem_seg' in sample else None
            gt = sample.gt_sem_seg.data[0].cpu().numpy() \
                if 'gt_sem_seg' in sample else None
            if fused is not None and fused.shape[:2] != image.shape[:2]:
                continue  # resized test pipelines: sources no longer match
            panel = make_panel(image[..., 3], image[..., :3], fused, pred, gt,
                               palette, self.height)
            runner.visualizer.add_image(
                f'{mode}_{image_stem(sample.img_path)}', panel, step=step)

    def after_val_iter(self,
                       runner,
                       batch_idx: int,
                       data_batch: Optional[dict] = None,
                       outputs: Optional[Sequence] = None) -> None:
        self._draw(runner, data_batch, outputs, batch_idx, 'val', runner.iter)

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch: Optional[dict] = None,
                        outputs: Optional[Sequence] = None) -> None:
        self._draw(runner, data_batch, outputs, batch_idx, 'test', 0)
