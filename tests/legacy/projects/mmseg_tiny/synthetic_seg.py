"""A tiny synthetic segmentation dataset for mmseg 0.x (no files, no
network): 32x32 images of a left/right split with a square on top, each
class its own colour plus seeded noise; the pipeline's first transform
makes the sample instead of reading it."""
import numpy as np
from mmseg.datasets import DATASETS, CustomDataset
from mmseg.datasets.builder import PIPELINES

SIZE = 32
COLOURS = np.array([[40, 40, 40], [200, 60, 60], [60, 60, 200]], dtype=np.float64)


def synthetic_image(seed: int):
    """(image HxWx3 uint8, label map HxW uint8) of sample ``seed``."""
    rng = np.random.RandomState(seed)
    labels = np.zeros((SIZE, SIZE), dtype=np.uint8)
    labels[:, SIZE // 2:] = 1
    top, left = rng.randint(0, SIZE - 10, size=2)
    labels[top:top + 10, left:left + 10] = 2
    image = COLOURS[labels] + rng.normal(0, 20, size=(SIZE, SIZE, 3))
    return np.clip(image, 0, 255).astype(np.uint8), labels


@PIPELINES.register_module()
class LoadSyntheticSample:
    """What LoadImageFromFile + LoadAnnotations would have given."""

    def __call__(self, results):
        image, labels = synthetic_image(results['img_info']['seed'])
        results.update(filename=results['img_info']['filename'],
                       ori_filename=results['img_info']['filename'], img=image,
                       img_shape=image.shape, ori_shape=image.shape, pad_shape=image.shape,
                       scale_factor=1.0, gt_semantic_seg=labels,
                       img_norm_cfg=dict(mean=np.zeros(3, dtype=np.float32),
                                         std=np.ones(3, dtype=np.float32), to_rgb=False))
        results['seg_fields'].append('gt_semantic_seg')
        return results


@DATASETS.register_module()
class TinySyntheticSegmentation(CustomDataset):

    CLASSES = ('background', 'left', 'square')
    PALETTE = [[40, 40, 40], [200, 60, 60], [60, 60, 200]]

    def __init__(self, num_samples, seed, **kwargs):
        self.num_samples, self.seed = num_samples, seed
        super().__init__(img_dir='', **kwargs)

    def load_annotations(self, img_dir, img_suffix, ann_dir, seg_map_suffix, split):
        return [dict(filename=f'sample_{i}.png', seed=self.seed * 1000 + i,
                     ann=dict(seg_map=f'sample_{i}.png')) for i in range(self.num_samples)]

    def get_gt_seg_map_by_idx(self, index):
        return synthetic_image(self.img_infos[index]['seed'])[1]

    def get_gt_seg_maps(self, efficient_test=None):
        for index in range(len(self)):
            yield self.get_gt_seg_map_by_idx(index)
