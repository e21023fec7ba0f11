"""mmengine.analysis (model complexity) and mmengine.infer (BaseInferencer)."""
import torch
import torch.nn as nn

from mmmigrate.engine.analysis import get_model_complexity_info, parameter_count
from mmmigrate.engine.analysis.print_helper import _format_size
from mmmigrate.engine.infer import BaseInferencer
from mmmigrate.engine.model import BaseModel
from mmmigrate.engine.registry import MODELS


def test_flops_activations_and_parameters_count_multiply_adds():
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 6 * 6, 10))
    info = get_model_complexity_info(model, input_shape=(3, 8, 8))
    conv = 8 * 6 * 6 * 3 * 3 * 3        # outputs x (in channels x kernel area)
    linear = 8 * 6 * 6 * 10
    assert info['flops'] == conv + linear
    assert info['activations'] == 8 * 6 * 6 + 10
    assert info['params'] == sum(p.numel() for p in model.parameters())
    assert info['flops_str'] == '10.656K' and '| 0 ' in info['out_table']
    assert parameter_count(model)['3'] == 8 * 6 * 6 * 10 + 10
    assert _format_size(1234567) == '1.235M' and _format_size(12) == '12'


@MODELS.register_module(force=True)
class _Doubler(BaseModel):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(2.0))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return [x * self.scale for x in inputs]


class _DoublerInferencer(BaseInferencer):
    postprocess_kwargs = {'as_list'}

    def _init_pipeline(self, cfg):
        return lambda value: dict(inputs=torch.tensor(float(value)))

    def visualize(self, inputs, preds, show=False, **kwargs):
        return None

    def postprocess(self, preds, visualization, return_datasample=False, as_list=True):
        return dict(predictions=[float(p) for p in preds])


def test_inferencer_batches_inputs_through_the_model():
    inferencer = _DoublerInferencer(dict(model=dict(type='_Doubler')), device='cpu',
                                    show_progress=False)
    assert inferencer([1, 2, 3], batch_size=2) == dict(predictions=[2.0, 4.0, 6.0])
    try:
        inferencer([1], unknown=True)
    except ValueError as e:
        assert 'unknown argument' in str(e)
    else:
        raise AssertionError('an unknown keyword argument must be refused')
