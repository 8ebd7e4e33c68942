"""Base class for data sets whose folders a preparation step makes."""
import os.path as osp
from typing import List

from .ivf_dataset import DatasetLayoutError, IVFDataset


class PreparedIVFDataset(IVFDataset):
    """An :class:`IVFDataset` made by a converter (or a download).

    When a configured folder (visible, infrared or label) is missing, the
    data set stops before anything else runs, naming the missing folders and
    the command that makes them (``PREPARE_COMMAND``, formatted with
    ``data_root``), instead of a bare "folder does not exist" or, for the
    label folder, silently training label-free.
    """

    PREPARE_COMMAND = ''
    classes_name_stored_labels = False  # fixed classes, as in mmseg

    def load_data_list(self) -> List[dict]:
        missing = [
            self.data_prefix[key]
            for key in ('vis_path', 'ir_path', 'seg_map_path') if
            self.data_prefix.get(key) and not osp.isdir(self.data_prefix[key])
        ]
        if missing:
            command = self.PREPARE_COMMAND.format(
                data_root=self.data_root or '<data_root>')
            raise DatasetLayoutError(
                f'{type(self).__name__}: data not found, missing folder(s): '
                f'{", ".join(missing)}. Make them with:\n    {command}\n'
                '(see docs/datasets.md)')
        return super().load_data_list()
