"""Pure-Python (``read_base``) configs mutated at random (seeded): each
either loads or raises a ``ConfigError`` naming the file, never another
exception (a traceback from deep inside the reader) and never a hang."""
import random

import pytest

from mmmigrate.engine.config import Config, ConfigError

BASE = '''lr = 0.1
model = dict(type='Net', depth=18, widths=[1, 2, (3, 4)])
'''
MAIN = '''from mmengine.config import read_base
import os.path as osp
import torch.nn
with read_base():
    from .base import *
    from .base import lr as base_lr
from torch.optim import SGD as Optimizer
model.update(depth=50)
optim_wrapper = dict(optimizer=dict(type=Optimizer, lr=base_lr * 2))
act = torch.nn.ReLU
name = osp.basename('a/b.py')
'''


def _mutants(text: str, count: int, seed: int):
    rng = random.Random(seed)
    pieces = ['(', ')', '[', ':', '*', '.', ',', 'import', 'from', ' as ', 'with', '\n',
              '    ', 'read_base()', '..', 'lambda', '=', '"', "'", '#', '\\']
    for _ in range(count):
        chars = list(text)
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(chars))
            action = rng.random()
            if action < 0.4:
                del chars[position:position + rng.randint(1, 6)]
            elif action < 0.8:
                chars[position:position] = list(rng.choice(pieces))
            else:
                lines = ''.join(chars).split('\n')
                line = rng.randrange(len(lines))
                lines.insert(rng.randrange(len(lines)), lines[line])
                chars = list('\n'.join(lines))
        yield ''.join(chars)


@pytest.mark.parametrize('seed', range(8))
def test_mutated_pure_python_configs_load_or_say_why(tmp_path, seed):
    (tmp_path / 'base.py').write_text(BASE)
    loaded = failed = 0
    for index, text in enumerate(_mutants(MAIN, 60, seed)):
        path = tmp_path / f'main_{index}.py'
        path.write_text(text)
        try:
            Config.fromfile(str(path))
            loaded += 1
        except ConfigError as e:
            assert str(path) in str(e), f'{e!r} does not name the file'
            failed += 1
    assert loaded + failed == 60
    assert failed > 0  # the mutations do break configs
