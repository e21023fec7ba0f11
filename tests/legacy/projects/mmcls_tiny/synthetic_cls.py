"""A tiny synthetic classification dataset for mmcls 0.x (no files, no
network): 32x32 images whose brightness depends on the label, drawn from a
seeded RandomState, so every run sees the same samples."""
import numpy as np
from mmcls.datasets import DATASETS, BaseDataset


@DATASETS.register_module()
class TinySyntheticClassification(BaseDataset):

    CLASSES = ('dark', 'dim', 'bright', 'light')

    def __init__(self, num_samples, seed, **kwargs):
        self.num_samples, self.seed = num_samples, seed
        super().__init__(data_prefix='', **kwargs)

    def load_annotations(self):
        rng = np.random.RandomState(self.seed)
        infos = []
        for index in range(self.num_samples):
            label = index % len(self.CLASSES)
            img = (rng.rand(32, 32, 3) * 96 + label * 48).astype(np.uint8)
            infos.append(dict(img=img, gt_label=np.array(label, dtype=np.int64)))
        return infos
