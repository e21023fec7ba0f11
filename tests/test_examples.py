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
