"""Pixel frequency of each class in a folder of label maps, and class
weights for mmseg's ``CrossEntropyLoss(class_weight=...)``.

    python tools/analysis_tools/class_weights.py LABEL_DIR \\
        --dataset MSRSDataset [--power 0.5]

With ``f_c`` the share of labelled pixels (``ignore_index`` left out) of
class ``c``, the weight is tempered median-frequency balancing (Eigen &
Fergus, ICCV 2015, use ``power = 1``)::

    w_c = s * (median_k f_k / f_c) ** power,   s such that sum_c f_c w_c = 1

The scale ``s`` keeps the pixel-averaged weighted loss at the scale of the
unweighted one, so a loss weight chosen before stays meaningful. A class
absent from every label gets weight 0 (it adds nothing to the loss). Labels
are read and checked as training reads them: a file that is unreadable, has
more than one channel or holds a value that is neither a class index nor
``ignore_index`` is an error naming it. Compute weights on the training
split only.
"""
import argparse
from typing import Sequence

import numpy as np

import segfanet_mm  # noqa: F401  (registers the datasets)
from segfanet_mm.datasets.ivf_dataset import list_images, registered_metainfo
from segfanet_mm.datasets.transforms import ImageReadError, load_label_map


def class_pixel_counts(label_dir: str,
                       num_classes: int,
                       ignore_index: int = 255) -> np.ndarray:
    """``(num_classes, 2)`` int64: pixels of each class and images that
    contain it, over every label map of ``label_dir``."""
    files = list_images(label_dir)
    if not files:
        raise SystemExit(f'error: no label images in {label_dir}')
    counts = np.zeros((num_classes, 2), np.int64)
    for path in files.values():
        try:
            label = load_label_map(path, num_classes)
        except (ImageReadError, OSError) as err:
            raise SystemExit(f'error: {err}')
        hist = np.bincount(
            label[label != ignore_index].ravel(),
            minlength=num_classes)[:num_classes]
        counts[:, 0] += hist
        counts[:, 1] += hist > 0
    return counts


def median_frequency_weights(pixels: Sequence[int],
                             power: float = 0.5) -> np.ndarray:
    """``w_c = s (median f / f_c) ** power`` with ``sum_c f_c w_c = 1``
    (see the module docstring); absent classes get 0."""
    pixels = np.asarray(pixels, np.float64)
    if pixels.sum() == 0:
        raise ValueError('no labelled pixel')
    freq = pixels / pixels.sum()
    present = freq > 0
    weights = np.zeros_like(freq)
    weights[present] = (np.median(freq[present]) / freq[present])**power
    return weights / (freq * weights).sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('label_dir', help='folder of training label maps')
    parser.add_argument(
        '--dataset',
        default='MSRSDataset',
        help='registered dataset whose class names are used')
    parser.add_argument(
        '--power',
        type=float,
        default=0.5,
        help='1 = median-frequency balancing; 0 = unweighted')
    parser.add_argument('--ignore-index', type=int, default=255)
    args = parser.parse_args()
    try:
        classes = registered_metainfo(args.dataset)['classes']
    except KeyError as err:
        raise SystemExit(f'error: {err.args[0]}')
    counts = class_pixel_counts(args.label_dir, len(classes),
                                args.ignore_index)
    weights = median_frequency_weights(counts[:, 0], args.power)
    share = 100 * counts[:, 0] / counts[:, 0].sum()
    print('| class | pixels % | images | weight |\n|---|---:|---:|---:|')
    for name, pct, (_, images), weight in zip(classes, share, counts, weights):
        print(f'| {name} | {pct:.3f} | {images} | {weight:.2f} |')
    print('\nclass_weight=[' + ', '.join(f'{w:.2f}' for w in weights) + ']')


if __name__ == '__main__':
    main()
