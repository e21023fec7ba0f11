"""A tiny synthetic detection dataset for mmdet 2.x (no files, no network):
64x64 images with one or two bright squares (class 0) or circles (class 1)
on a dark background, drawn from a seeded RandomState; the pipeline's first
transform makes the sample instead of reading it."""
import numpy as np
from mmdet.datasets import DATASETS, CustomDataset
from mmdet.datasets.builder import PIPELINES

SIZE = 64


def synthetic_sample(seed: int):
    """(image HxWx3 uint8, boxes Nx4 float32, labels N int64) of sample ``seed``."""
    rng = np.random.RandomState(seed)
    image = rng.normal(30, 10, size=(SIZE, SIZE, 3))
    boxes, labels = [], []
    for _ in range(rng.randint(1, 3)):
        label = rng.randint(0, 2)
        size = rng.randint(12, 24)
        x, y = rng.randint(0, SIZE - size, size=2)
        if label == 0:
            image[y:y + size, x:x + size] = 220
        else:
            yy, xx = np.mgrid[:size, :size]
            disc = (yy - size / 2) ** 2 + (xx - size / 2) ** 2 <= (size / 2) ** 2
            image[y:y + size, x:x + size][disc] = 160
        boxes.append([x, y, x + size, y + size])
        labels.append(label)
    return (np.clip(image, 0, 255).astype(np.uint8), np.array(boxes, dtype=np.float32),
            np.array(labels, dtype=np.int64))


@PIPELINES.register_module()
class LoadSyntheticDetSample:
    """What LoadImageFromFile + LoadAnnotations would have given."""

    def __call__(self, results):
        image, boxes, labels = synthetic_sample(results['img_info']['seed'])
        results.update(filename=results['img_info']['filename'],
                       ori_filename=results['img_info']['filename'], img=image,
                       img_shape=image.shape, ori_shape=image.shape, img_fields=['img'],
                       gt_bboxes=boxes, gt_labels=labels, bbox_fields=['gt_bboxes'])
        return results


@DATASETS.register_module()
class TinySyntheticDetection(CustomDataset):

    CLASSES = ('square', 'circle')

    def __init__(self, num_samples, seed, **kwargs):
        self.num_samples, self.seed = num_samples, seed
        super().__init__(ann_file='', **kwargs)

    def load_annotations(self, ann_file):
        infos = []
        for i in range(self.num_samples):
            _, boxes, labels = synthetic_sample(self.seed * 1000 + i)
            infos.append(dict(filename=f'sample_{i}.png', width=SIZE, height=SIZE,
                              seed=self.seed * 1000 + i,
                              ann=dict(bboxes=boxes, labels=labels)))
        return infos
