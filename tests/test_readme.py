"""The Python examples in README.md run as written."""
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / 'README.md'
BLOCKS = re.findall(r'```python\n(.*?)```', README.read_text(), flags=re.S)


@pytest.mark.parametrize('index', range(len(BLOCKS)))
def test_readme_python_block_runs(index):
    exec(compile(BLOCKS[index], f'README.md[python block {index}]', 'exec'), {})


def test_readme_gives_the_two_setup_commands_and_ci_runs_the_second():
    commands = re.findall(r'```bash\n(pip install torch==2\.13\.0 [^\n]*)\n```', README.read_text())
    assert len(commands) == 2 and commands[1].endswith('python -m pytest -q -n 2')
    ci = (README.parent / '.ci' / 'run').read_text()
    assert "test_command='python -m pytest -q -n 2'" in ci
