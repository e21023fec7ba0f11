"""The checks every `mmmigrate convert` fixture pair gets: ``X.in.py``
converts to the reviewed ``X.out.py`` with the findings of
``X.findings.txt`` (``line severity [rule]``), and converting the output
again changes nothing."""
from pathlib import Path

from mmmigrate.migrate.source_file import convert_source


def cases(folder: Path) -> list:
    return sorted(p.name[:-len('.in.py')] for p in folder.glob('*.in.py'))


def check_reviewed_output(folder: Path, case: str) -> None:
    result = convert_source(folder / f'{case}.in.py')
    assert result.error is None
    assert result.new_data == (folder / f'{case}.out.py').read_bytes()
    findings = [f'{f.line} {f.severity} [{f.rule}]' for f in result.findings]
    assert findings == (folder / f'{case}.findings.txt').read_text().splitlines()


def check_second_run_changes_nothing(folder: Path, case: str, tmp_path: Path) -> None:
    converted = tmp_path / 'x.py'
    converted.write_bytes((folder / f'{case}.out.py').read_bytes())
    assert not convert_source(converted).changed
