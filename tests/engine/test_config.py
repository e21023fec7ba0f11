"""Config: loading (fixture pairs under tests/fixtures/configs/), errors,
ConfigDict behaviour, options, dumping."""
import argparse
import ast
import copy
import os
import pickle
import re
import sys
from pathlib import Path

import pytest

from mmmigrate.engine import config as config_module
from mmmigrate.engine.config import Config, ConfigDict, DictAction

FIXTURES = Path(__file__).resolve().parents[1] / 'fixtures' / 'configs'
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def entry_of(case_dir: Path) -> Path:
    if (case_dir / 'entry').exists():
        return case_dir / (case_dir / 'entry').read_text().strip()
    return next(p for p in sorted(case_dir.iterdir()) if p.stem == 'main')


@pytest.mark.parametrize('case', [c for c in CASES if not c.startswith('error_')])
def test_config_fixture_loads_to_expected_values(case):
    case_dir = FIXTURES / case
    expected = ast.literal_eval((case_dir / 'expected.py').read_text())
    cfg = Config.fromfile(entry_of(case_dir))
    assert cfg.to_dict() == expected


@pytest.mark.parametrize('case', [c for c in CASES if c.startswith('error_')])
def test_config_fixture_error_names_file_and_line(case):
    case_dir = FIXTURES / case
    error_name, pattern = (case_dir / 'expected_error.txt').read_text().splitlines()[:2]
    with pytest.raises(getattr(config_module, error_name)) as info:
        Config.fromfile(entry_of(case_dir))
    message = str(info.value)
    assert re.search(pattern.replace('{dir}', re.escape(str(case_dir))), message), message


def test_config_errors_are_also_the_builtin_exceptions_mmengine_raises():
    assert issubclass(config_module.ConfigFileNotFoundError, FileNotFoundError)
    assert issubclass(config_module.ConfigSyntaxError, SyntaxError)
    assert issubclass(config_module.ConfigKeyError, KeyError)


def test_missing_config_file():
    with pytest.raises(FileNotFoundError, match='does not exist'):
        Config.fromfile('/nonexistent/dir/cfg.py')


def test_environment_variable_is_substituted(tmp_path, monkeypatch):
    (tmp_path / 'cfg.py').write_text("root = '{{$MMMIGRATE_ROOT_T:/fallback}}'\n")
    monkeypatch.setenv('MMMIGRATE_ROOT_T', '/data/set')
    cfg = Config.fromfile(tmp_path / 'cfg.py')
    assert cfg.root == '/data/set' and cfg.env_variables == {'MMMIGRATE_ROOT_T': '/data/set'}


def test_custom_imports_are_imported(tmp_path, monkeypatch):
    (tmp_path / 'my_custom_mod_for_cfg.py').write_text('IMPORTED = True\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / 'cfg.py').write_text(
        "custom_imports = dict(imports=['my_custom_mod_for_cfg'], allow_failed_imports=False)\n")
    Config.fromfile(tmp_path / 'cfg.py')
    assert sys.modules['my_custom_mod_for_cfg'].IMPORTED


def test_failed_custom_import_explains_how_to_fix(tmp_path):
    (tmp_path / 'cfg.py').write_text("custom_imports = dict(imports=['no_such_module_xyz'])\n")
    with pytest.raises(ImportError, match='PYTHONPATH'):
        Config.fromfile(tmp_path / 'cfg.py')
    cfg = Config.fromfile(tmp_path / 'cfg.py', import_custom_modules=False)
    assert cfg.custom_imports.imports == ['no_such_module_xyz']


def test_text_holds_every_file_of_the_chain():
    cfg = Config.fromfile(entry_of(FIXTURES / 'single_base_py'))
    assert "type='ResNet'" in cfg.text and 'model = dict(depth=101)' in cfg.text


def test_config_dict_attribute_and_item_access():
    cfg = ConfigDict(model=dict(backbone=dict(depth=50)), items_=[dict(a=1)])
    assert cfg.model.backbone.depth == 50
    assert isinstance(cfg['items_'][0], ConfigDict) and cfg.items_[0].a == 1
    cfg.model.neck = dict(type='FPN')
    assert cfg.model.neck.type == 'FPN'
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        cfg.missing
    with pytest.raises(KeyError):
        cfg['missing']
    assert cfg.get('missing', 3) == 3
    del cfg.model.neck
    assert 'neck' not in cfg.model


def test_config_dict_update_merges_nested_dicts():
    cfg = ConfigDict(a=dict(b=1, c=2))
    cfg.update(dict(a=dict(c=3), d=4))
    assert cfg.to_dict() == dict(a=dict(b=1, c=3), d=4)


def test_config_dict_merge_honours_delete():
    cfg = ConfigDict(a=dict(b=1, c=2), k=1)
    cfg.merge(dict(a=dict(_delete_=True, z=0)))
    assert cfg.to_dict() == dict(a=dict(z=0), k=1)


def test_config_copy_deepcopy_pickle_keep_values():
    cfg = Config.fromfile(entry_of(FIXTURES / 'single_base_py'))
    for other in (copy.copy(cfg), copy.deepcopy(cfg), pickle.loads(pickle.dumps(cfg))):
        assert other.to_dict() == cfg.to_dict()
        assert other.filename == cfg.filename
    deep = copy.deepcopy(cfg)
    deep.model.depth = 1
    assert cfg.model.depth == 101


def test_merge_from_dict_with_dotted_keys_and_list_indices():
    cfg = Config(dict(model=dict(depth=50), pipeline=[dict(type='A', k=1), dict(type='B')]))
    cfg.merge_from_dict({'model.depth': 101, 'model.new.sub': 'x', 'pipeline.1.k': 7})
    assert cfg.to_dict() == dict(model=dict(depth=101, new=dict(sub='x')),
                                 pipeline=[dict(type='A', k=1), dict(type='B', k=7)])
    with pytest.raises(KeyError, match='out of range'):
        cfg.merge_from_dict({'pipeline.5.k': 1})


def test_dict_action_parses_cfg_options():
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(['--cfg-options', 'a=1', 'b=0.5', 'c=true', 'd=None', 'e=x,y',
                              'f=[1,(2,3)]', 'g=str', 'h=dict(a=1,b=2)'])
    assert args.cfg_options == dict(a=1, b=0.5, c=True, d=None, e=['x', 'y'],
                                    f=[1, (2, 3)], g='str', h='dict(a=1,b=2)')


@pytest.mark.parametrize('suffix', ['py', 'json', 'yaml', 'yml'])
def test_dump_loads_back_equal(tmp_path, suffix):
    cfg = Config(dict(model=dict(type='Net', depth=50, widths=[64, 128], flag=None),
                      lr=0.02, name='run', nested=[dict(a=[1, dict(b=2)])]))
    out = tmp_path / f'dumped.{suffix}'
    cfg.dump(out)
    assert Config.fromfile(out).to_dict() == cfg.to_dict()


def test_pretty_text_is_python_that_loads_back_equal_including_tuples_and_odd_keys():
    values = dict(scale=(1333, 800), single=(1, ), odd={'a b': 1, 3: 'x'},
                  inf=float('inf'), long=[dict(type='Resize', scale=(1333, 800),
                                               keep_ratio=True, interpolation='bilinear')] * 3)
    cfg = Config(values)
    assert Config.fromstring(cfg.pretty_text, '.py').to_dict() == values
    assert cfg.dump() == cfg.pretty_text


def test_classes_are_dumped_as_import_paths_that_registries_resolve(tmp_path):
    import torch
    from mmmigrate.engine.registry import OPTIMIZERS
    cfg = Config(dict(optimizer=dict(type=torch.optim.SGD, lr=0.1)))
    cfg.dump(tmp_path / 'cfg.py')
    reloaded = Config.fromfile(tmp_path / 'cfg.py')
    assert reloaded.optimizer.type == 'torch.optim.sgd.SGD'
    assert OPTIMIZERS.get(reloaded.optimizer.type) is torch.optim.SGD


def test_reserved_key_in_a_dict_config():
    with pytest.raises(KeyError, match='text is reserved for config file'):
        Config(dict(text='x'))


def test_fromstring_in_each_format():
    assert Config.fromstring('a = 1\n', '.py').a == 1
    assert Config.fromstring('{"a": 1}', '.json').a == 1
    assert Config.fromstring('a: 1\n', '.yaml').a == 1
    with pytest.raises(config_module.ConfigError, match='file_format'):
        Config.fromstring('a = 1', 'py')


def test_config_behaves_like_a_mapping():
    cfg = Config(dict(a=1, b=dict(c=2)))
    assert 'a' in cfg and len(cfg) == 2 and list(cfg) == ['a', 'b']
    assert dict(cfg.items()) == {'a': 1, 'b': {'c': 2}}
    cfg.d = dict(e=3)
    cfg['f'] = 4
    assert cfg.d.e == 3 and cfg.f == 4 and cfg == dict(a=1, b=dict(c=2), d=dict(e=3), f=4)


def test_deprecation_key_warns(tmp_path):
    (tmp_path / 'old.py').write_text("_deprecation_ = dict(expected='new.py')\na = 1\n")
    with pytest.warns(DeprecationWarning, match='Please use new.py'):
        cfg = Config.fromfile(tmp_path / 'old.py')
    assert '_deprecation_' not in cfg


def test_config_file_is_not_left_with_temporaries(tmp_path):
    (tmp_path / 'cfg.py').write_text('a = 1\n')
    Config.fromfile(tmp_path / 'cfg.py')
    assert os.listdir(tmp_path) == ['cfg.py']


def _write_lazy_config(folder: Path) -> Path:
    (folder / '_base_').mkdir()
    (folder / '_base_' / 'schedule.py').write_text(
        'from torch.optim import SGD\n'
        'optim_wrapper = dict(optimizer=dict(type=SGD, lr=0.1, momentum=0.9))\n'
        'train_cfg = dict(by_epoch=True, max_epochs=4)\n')
    (folder / 'main.py').write_text(
        'from mmengine.config import read_base\n'
        'import os.path as osp\n'
        'import torch.nn\n'
        'with read_base():\n'
        '    from ._base_.schedule import *\n'
        'optim_wrapper.optimizer.lr = 0.02\n'
        'train_cfg.update(max_epochs=2)\n'
        'model = dict(act=torch.nn.ReLU, name=osp.basename("a/b.py"))\n')
    return folder / 'main.py'


def test_pure_python_config_reads_bases_and_imports_lazily(tmp_path):
    import torch
    cfg = Config.fromfile(_write_lazy_config(tmp_path))
    # read through the ConfigDict: imported now
    assert cfg.optim_wrapper.optimizer.type is torch.optim.SGD
    assert cfg.model.act is torch.nn.ReLU and cfg.model.name == 'b.py'
    assert cfg.optim_wrapper.optimizer.lr == 0.02 and cfg.train_cfg.max_epochs == 2
    # to_dict keeps the lazy values and leaves the imported names out
    plain = cfg.to_dict()
    assert set(plain) == {'optim_wrapper', 'train_cfg', 'model'}
    assert plain['optim_wrapper']['optimizer']['type'] == 'torch.optim.SGD'
    lazy = cfg._to_lazy_dict()['optim_wrapper']['optimizer']['type']
    assert isinstance(lazy, config_module.lazy.LazyObject) and lazy.build() is torch.optim.SGD
    assert {'SGD', 'osp', 'torch'} <= set(cfg.to_dict(keep_imported=True))
    # the dump names the classes by their import path and loads back
    assert "type='torch.optim.SGD'" in cfg.pretty_text
    assert "act='torch.nn.ReLU'" in cfg.pretty_text


def test_pure_python_config_bad_imports_name_file_and_line(tmp_path):
    (tmp_path / 'base.py').write_text('a = 1\n')
    (tmp_path / 'star.py').write_text('from torch.optim import *\n'
                                      'from mmengine.config import read_base\n'
                                      'with read_base():\n    from .base import a\n')
    with pytest.raises(config_module.ConfigError, match=r'star.py:1: Illegal syntax in config'):
        Config.fromfile(tmp_path / 'star.py')
    (tmp_path / 'other.py').write_text('from mmengine.config import read_base\n'
                                       'with read_base():\n    x = 1\n')
    with pytest.raises(config_module.ConfigError, match=r'other.py:3: only `from <base config>'):
        Config.fromfile(tmp_path / 'other.py')


def test_lazy_object_builds_on_read_and_names_its_origin():
    from mmmigrate.engine.config.lazy import LazyObject
    import torch
    lazy = LazyObject('torch.optim', 'SGD', location='cfg.py, line 3')
    assert lazy.build() is torch.optim.SGD and str(lazy) == 'SGD'
    assert lazy.__class__ is LazyObject and copy.deepcopy(lazy).__dict__ == lazy.__dict__
    assert LazyObject('torch').nn.ReLU.build() is torch.nn.ReLU
    with pytest.raises(ImportError, match='Failed to import torch.nn.Missing'):
        LazyObject('torch').nn.Missing.build()
    with pytest.raises(RuntimeError, match='imported lazily'):
        lazy()
    cfg = ConfigDict(a=lazy, b=[dict(c=lazy)])
    assert cfg.a is torch.optim.SGD and cfg.b[0].c is torch.optim.SGD
    assert cfg.values()[0] is torch.optim.SGD and cfg.items()[0] == ('a', torch.optim.SGD)
    assert isinstance(cfg._to_lazy_dict()['a'], LazyObject)
    assert cfg.to_dict()['a'] == 'torch.optim.SGD'
