"""`mmmigrate convert`, model contract and runner scripts: fixture pairs in
tests/fixtures/convert/models and tests/fixtures/convert/runner, reviewed by
hand. The seed 000 toy (model and runner script) is executed after
conversion on the bundled engine; the end-to-end numeric check against
real MMCV 1.7.2 is tests/test_example_project.py."""
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .source_fixtures import cases, check_reviewed_output, \
    check_second_run_changes_nothing

ROOT = Path(__file__).resolve().parents[1] / 'fixtures' / 'convert'
CASES = [(folder, case) for folder in ('models', 'runner') for case in cases(ROOT / folder)]
IDS = [f'{folder}/{case}' for folder, case in CASES]


@pytest.mark.parametrize('folder,case', CASES, ids=IDS)
def test_output_is_the_reviewed_one(folder, case):
    check_reviewed_output(ROOT / folder, case)


@pytest.mark.parametrize('folder,case', CASES, ids=IDS)
def test_second_run_changes_nothing(folder, case, tmp_path):
    check_second_run_changes_nothing(ROOT / folder, case, tmp_path)


RUN_CONVERTED = '''
import sys, torch
from mmmigrate.engine.alias import install_mmengine_alias
install_mmengine_alias(prefer_bundled=True)
torch.manual_seed(0)
namespace = {'__name__': '__main__'}
exec(compile(open(sys.argv[1]).read(), sys.argv[1], 'exec'), namespace)
runner = namespace['runner']
print('epochs', runner.epoch, 'iters', runner.iter)
print('lr', runner.optim_wrapper.get_lr()['lr'][0])
import json
print(json.dumps({k: v.tolist() for k, v in namespace['model'].state_dict().items()}))
'''


def test_converted_seed000_runner_script_trains_on_the_bundled_engine(tmp_path):
    script = ROOT / 'runner' / 'seed000_toy_runner_runs.out.py'
    out = subprocess.run([sys.executable, '-c', RUN_CONVERTED, str(script)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    # 50 samples in batches of 2 for 5 epochs; lr 0.01 stepped by 0.1 at epochs 2 and 3
    assert 'epochs 5 iters 125' in out.stdout
    lr = float(out.stdout.split('lr ')[-1].splitlines()[0])
    assert lr == pytest.approx(0.01 * 0.1 * 0.1, rel=1e-12)
    # the legacy script itself, run on real MMCV 1.7.2 with the same seed
    # (tests/fixtures/compat/record_seed000_script.py): bitwise the same end
    recorded = ROOT.parent / 'compat' / 'mmcv_seed000_script.json'
    assert json.loads(out.stdout.strip().splitlines()[-1]) == json.loads(recorded.read_text())


def test_converted_gan_steps_each_wrapper_like_the_original():
    """The GAN's converted train_step steps the discriminator with
    zero_grad after (update_params) and the generator with its zero_grad
    first, as the original did: same parameters as the legacy code."""
    import torch
    from mmmigrate.engine.alias import install_mmengine_alias
    install_mmengine_alias(prefer_bundled=True)
    from mmengine.optim import OptimWrapper, OptimWrapperDict

    def build(source):
        namespace = {}
        exec(compile(source, 'gan', 'exec'), namespace)
        gan_class = namespace['GAN']

        class Toy(gan_class):
            def __init__(self):
                super().__init__()
                torch.manual_seed(0)
                self.noise_size = 2
                self.generator = torch.nn.Linear(2, 3)
                self.discriminator = torch.nn.Linear(3, 1)

            def disc_loss(self, fake, real):
                loss = fake.mean() - real.mean()
                return loss, dict(loss_d=loss.item())

            def gen_loss(self, fake):
                loss = -fake.mean()
                return loss, dict(loss_g=loss.item())
        return Toy()

    folder = ROOT / 'models'
    legacy = build((folder / 'seed000_gan_steps_its_optimizers.in.py').read_text())
    converted = build((folder / 'seed000_gan_steps_its_optimizers.out.py').read_text())
    optimizers = {name: torch.optim.SGD(getattr(legacy, name).parameters(), lr=0.1)
                  for name in ('generator', 'discriminator')}
    wrappers = OptimWrapperDict(**{
        name: OptimWrapper(torch.optim.SGD(getattr(converted, name).parameters(), lr=0.1))
        for name in ('generator', 'discriminator')})
    for step in range(3):
        torch.manual_seed(step)
        data = {'inputs': torch.randn(4, 3)}
        torch.manual_seed(100 + step)
        legacy.train_step(data, optimizers)
        torch.manual_seed(100 + step)
        converted.train_step(data, wrappers)
    for (name, a), (_, b) in zip(legacy.named_parameters(), converted.named_parameters()):
        assert torch.equal(a, b), name


RUNNABLE = sorted(p.name[:-len('.in.py')] for p in (ROOT / 'runner').glob('runnable_*.in.py'))
# runner/configs/<case>.py: the MMCV 1.x config a runnable script reads as
# ./config.py; <case>.converted.py is what `mmmigrate config` makes of it
CONFIGS = ROOT / 'runner' / 'configs'
REPO = Path(__file__).resolve().parents[2]
RUN_SCRIPT = '''
import sys
from mmmigrate.engine.alias import install_mmengine_alias
install_mmengine_alias(prefer_bundled=True)
exec(compile(open(sys.argv[1]).read(), sys.argv[1], 'exec'), {'__name__': '__main__'})
'''


def _close(mine, theirs, rel):
    if isinstance(mine, list):
        return len(mine) == len(theirs) and all(_close(a, b, rel) for a, b in zip(mine, theirs))
    return math.isclose(mine, theirs, rel_tol=rel, abs_tol=rel)


@pytest.mark.recorded_numerics
@pytest.mark.parametrize('engine', ['bundled', 'mmengine-0.10.7'])
@pytest.mark.parametrize('case', RUNNABLE)
def test_converted_runnable_script_matches_its_mmcv_run(case, engine, tmp_path):
    """runner/runnable_*.in.py ran as it is on real MMCV 1.7.2 (recorded in
    runnable_*.mmcv.json by record_mmcv_runs.sh); the converted script, on
    the bundled engine and on real MMEngine 0.10.7 (the oracle venv), must
    end with the same history and parameters."""
    script = ROOT / 'runner' / f'{case}.out.py'
    env = dict(os.environ)
    if engine == 'bundled':
        command = [sys.executable, '-c', RUN_SCRIPT, str(script)]
    else:
        import oracle_env
        python = oracle_env.mmengine_python()
        if python is None:
            pytest.skip('no MMEngine oracle venv (../shared/oracle/setup_mmengine.sh)')
        command = [str(python), '-W', 'ignore', str(script)]
        # mmmigrate beside real MMEngine (converted scripts may import
        # mmmigrate.compat); MMEngine 0.10.7 resumes with torch.load's old
        # default, which torch >= 2.6 changed to weights_only=True
        env.update(PYTHONPATH=str(REPO), TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD='1')
    if (CONFIGS / f'{case}.py').exists():
        shutil.copyfile(CONFIGS / f'{case}.converted.py', tmp_path / 'config.py')
    out = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    legacy = json.loads((ROOT / 'runner' / f'{case}.mmcv.json').read_text())
    assert ours.keys() == legacy.keys()
    for key in legacy:
        if key == 'history':
            # [iter, loss, lr] per iteration: warm-up and poly lr differ in the
            # last bits (MMCV computes each lr directly, MMEngine chains
            # factors; measured max relative difference 1.3e-15), never more.
            assert _close(ours[key], legacy[key], 1e-12), (ours[key], legacy[key])
        else:
            # the same arithmetic in the same order: bitwise equal parameters
            assert ours[key] == legacy[key], key


@pytest.mark.parametrize('case', sorted(p.stem for p in CONFIGS.glob('*.py')
                                        if not p.stem.endswith('.converted')))
def test_runnable_script_config_converts_to_the_reviewed_one(case):
    """The config a runnable script trains with, converted by `mmmigrate
    config`, is the reviewed <case>.converted.py the converted run reads."""
    from mmmigrate.migrate.driver import convert_paths
    outcome, = convert_paths([CONFIGS / f'{case}.py'])
    assert outcome.error is None
    assert outcome.new_source == (CONFIGS / f'{case}.converted.py').read_text()


def test_a_model_whose_base_is_converted_in_another_file_is_not_flagged(tmp_path):
    """model-base-class asks to make a project base a BaseModel: not when
    that base, in another file of the tree, is converted into one (the
    tree's class index knows); a base the tree does not have is flagged."""
    from mmmigrate.migrate.driver import convert_sources
    (tmp_path / 'base.py').write_text(
        'import torch.nn as nn\n\n\nclass BaseRestorer(nn.Module):\n\n'
        '    def train_step(self, data, optimizer):\n'
        '        loss = self.loss(data)\n        optimizer.zero_grad()\n'
        '        loss.backward()\n        optimizer.step()\n        return dict(loss=loss)\n')
    for name, base in (('srgan.py', 'BaseRestorer'), ('other.py', 'ElsewhereBase')):
        (tmp_path / name).write_text(
            f'from .base import {base}\n\n\nclass Model({base}):\n\n'
            '    def train_step(self, data, optimizer):\n'
            '        return super().train_step(data, optimizer)\n')
    outcomes = {Path(o.path).name: o for o in convert_sources(sorted(tmp_path.glob('*.py')))}
    assert 'model-base-class' not in [f.rule for f in outcomes['srgan.py'].findings]
    assert 'model-base-class' in [f.rule for f in outcomes['other.py'].findings]
    assert 'class BaseRestorer(BaseModel):' in outcomes['base.py'].new_source
