"""The README's main-job command runs the bundled example."""
import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / 'examples' / 'engine_toy' / 'train.py'


def test_engine_toy_example_trains():
    out = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                         check=True).stdout
    losses = [float(x) for x in re.findall(r'loss (\d+\.\d+)', out)]
    assert len(losses) == 5 and losses[-1] < losses[0] / 5


TOY_CLASSIFICATION = EXAMPLE.parents[1] / 'toy_classification' / 'config.py'


def test_toy_classification_project_trains_and_tests_through_the_cli(tmp_path):
    """The README's main job: `mmmigrate train` on the example project (run
    from the repository root, where its custom_imports resolve), then
    `mmmigrate test` on the best checkpoint."""
    root = EXAMPLE.parents[2]

    def cli(*args):
        return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', *args], cwd=root,
                              capture_output=True, text=True, timeout=300)

    trained = cli('train', str(TOY_CLASSIFICATION), '--work-dir', str(tmp_path))
    assert trained.returncode == 0, trained.stderr[-3000:]
    best = list(tmp_path.glob('best_rings_accuracy_epoch_*.pth'))
    assert len(best) == 1
    # max_keep_ckpts=2 with a checkpoint every 2 of 12 epochs
    assert sorted(p.name for p in tmp_path.glob('epoch_*.pth')) == ['epoch_10.pth',
                                                                     'epoch_12.pth']
    tested = cli('test', str(TOY_CLASSIFICATION), '--checkpoint', str(best[0]),
                 '--work-dir', str(tmp_path / 'test'))
    assert tested.returncode == 0, tested.stderr[-3000:]
    accuracy = float(tested.stdout.splitlines()[-1].split(': ')[1])
    assert accuracy > 95  # rings are separable; an untrained model scores about 33
