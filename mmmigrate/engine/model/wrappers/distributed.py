"""``MMDistributedDataParallel``: torch DDP with the engine's step API."""
import warnings
from typing import Dict, Union

import torch
from torch.nn.parallel import DistributedDataParallel

from ...registry import MODEL_WRAPPERS
from ..utils import detect_anomalous_params, forward_with_batch


@MODEL_WRAPPERS.register_module()
class MMDistributedDataParallel(DistributedDataParallel):
    """``train_step`` runs the wrapped model's preprocessor and the forward
    through DDP (so gradients are averaged across ranks), then the module's
    ``parse_losses`` and ``optim_wrapper.update_params``. ``val_step`` and
    ``test_step`` call the module directly, without the DDP forward.
    ``detect_anomalous_params`` logs parameters the loss does not reach."""

    def __init__(self, module, detect_anomalous_params: bool = False, **kwargs):
        with warnings.catch_warnings():
            # torch >= 2.12 deprecates `broadcast_buffers`; MMEngine's default
            # (False: buffers stay rank-local) is kept on purpose.
            warnings.filterwarnings('ignore', message='.*broadcast_buffers.*deprecated',
                                    category=FutureWarning)
            super().__init__(module=module, **kwargs)
        self.detect_anomalous_params = detect_anomalous_params

    def train_step(self, data: Union[dict, tuple, list], optim_wrapper) -> Dict[str, torch.Tensor]:
        with optim_wrapper.optim_context(self):
            data = self.module.data_preprocessor(data, training=True)
            losses = self._run_forward(data, mode='loss')
        parsed_loss, log_vars = self.module.parse_losses(losses)
        optim_wrapper.update_params(parsed_loss)
        if self.detect_anomalous_params:
            detect_anomalous_params(parsed_loss, model=self)
        return log_vars

    def val_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.val_step(data)

    def test_step(self, data: Union[dict, tuple, list]) -> list:
        return self.module.test_step(data)

    _run_forward = forward_with_batch
