"""``NaiveVisualizationHook``: draws test samples (input image, ground
truth, prediction) with the runner's visualizer."""
import os.path as osp
from typing import Optional, Sequence, Tuple

import numpy as np

from ..registry import HOOKS
from .hook import DATA_BATCH, Hook


@HOOKS.register_module()
class NaiveVisualizationHook(Hook):
    """Every ``interval`` test iterations, each sample's input is turned back
    into an image (``img_norm_cfg`` of its data sample undone, padding cut,
    resized to ``ori_width``/``ori_height``) and given to
    ``runner.visualizer.add_datasample`` with the model's output. Needs
    OpenCV (``cv2``) for the resize, as MMEngine does."""
    priority = 'NORMAL'

    def __init__(self, interval: int = 1, draw_gt: bool = True, draw_pred: bool = True):
        self.draw_gt = draw_gt
        self.draw_pred = draw_pred
        self._interval = interval

    def _unpad(self, image: np.ndarray, unpad_shape: Tuple[int, int]) -> np.ndarray:
        width, height = unpad_shape
        return image[:height, :width]

    def before_train(self, runner) -> None:
        runner.visualizer.add_graph(runner.model, None)

    def after_test_iter(self, runner, batch_idx: int, data_batch: DATA_BATCH = None,
                        outputs: Optional[Sequence] = None) -> None:
        if not self.every_n_inner_iters(batch_idx, self._interval):
            return
        import cv2

        from ..utils.dl_utils import tensor2imgs
        for data, output in zip(data_batch, outputs):
            data_sample = data['data_sample']
            image = tensor2imgs(data['inputs'], **data_sample.get('img_norm_cfg', dict()))[0]
            ori_shape = (data_sample.ori_width, data_sample.ori_height)
            if 'pad_shape' in data_sample:
                image = self._unpad(image, data_sample.get('scale', ori_shape))
            origin_image = cv2.resize(image, ori_shape)
            name = osp.basename(data_sample.img_path)
            runner.visualizer.add_datasample(name, origin_image, data_sample, output,
                                             self.draw_gt, self.draw_pred)
