"""mmengine.hub (configs and models of installed OpenMMLab packages) and the
rank-free helpers of mmengine.dist."""
import sys
import textwrap

import pytest
import torch

from mmmigrate.engine import dist
from mmmigrate.engine.hub import get_config, get_model
from mmmigrate.engine.model import BaseModel


@pytest.fixture
def installed_mmyolo(tmp_path, monkeypatch):
    """A package importable as ``mmyolo`` with a ``.mim`` folder as the
    OpenMMLab wheels ship it: configs, a model index and a metafile."""
    package = tmp_path / 'mmyolo'
    (package / '.mim' / 'configs' / 'toy' / '_base_').mkdir(parents=True)
    (package / '__init__.py').write_text('')
    (package / 'utils.py').write_text(textwrap.dedent('''
        import torch.nn as nn
        from mmmigrate.engine.model import BaseModel
        from mmmigrate.engine.registry import MODELS

        def register_all_modules():
            if 'ToyYolo' not in MODELS.module_dict:
                @MODELS.register_module()
                class ToyYolo(BaseModel):
                    def __init__(self, width=2, data_preprocessor=None):
                        super().__init__(data_preprocessor=data_preprocessor)
                        self.fc = nn.Linear(width, 1)

                    def forward(self, inputs, data_samples=None, mode='tensor'):
                        return self.fc(inputs)
        '''))
    configs = package / '.mim' / 'configs' / 'toy'
    (configs / '_base_' / 'model.py').write_text("model = dict(type='ToyYolo', width=2)\n")
    (configs / 'toy_s.py').write_text("_base_ = ['./_base_/model.py']\nmodel = dict(width=3)\n")
    (package / '.mim' / 'model-index.yml').write_text('Import:\n  - configs/toy/metafile.yml\n')
    (configs / 'metafile.yml').write_text(textwrap.dedent('''
        Models:
          - Name: toy_s
            Config: configs/toy/toy_s.py
            Weights: https://example.invalid/toy_s.pth
        '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, 'mmyolo', raising=False)
    return package


def test_get_config_and_model_of_an_installed_package(installed_mmyolo):
    cfg = get_config('mmyolo::toy/toy_s.py', pretrained=True)
    assert cfg.model == dict(type='ToyYolo', width=3)
    assert cfg.model_path == 'https://example.invalid/toy_s.pth'
    base = get_config('mmyolo::toy/_base_/model.py')  # not in the model index
    assert base.model.width == 2
    model = get_model('mmyolo::toy/toy_s.py')
    assert isinstance(model, BaseModel) and model.fc.in_features == 3
    with pytest.raises(AssertionError, match='does not support to load'):
        get_config('notapackage::toy/toy_s.py')


def test_dist_helpers_without_a_process_group():
    data = dict(a=torch.ones(2), b=[torch.zeros(1), (torch.ones(1), )])
    assert dist.get_data_device(data) == torch.device('cpu')
    out = dict(a=torch.empty(2), b=[torch.empty(1), (torch.empty(1), )])
    moved = dist.cast_data_device(data, torch.device('cpu'), out=out)
    assert torch.equal(moved['a'], torch.ones(2)) and moved['b'][1][0].item() == 1
    assert dist.gather(torch.ones(1)) == [torch.ones(1)]
    assert (dist.get_local_rank(), dist.get_local_size(), dist.get_backend()) == (0, 1, None)
    assert dist.get_default_group() is None and dist.get_local_group() is None
    with pytest.raises(TypeError, match='should be a Tensor'):
        dist.get_data_device('text')
    with pytest.raises(TypeError, match='same type'):
        dist.cast_data_device(torch.ones(1), torch.device('cpu'), out=[torch.ones(1)])
