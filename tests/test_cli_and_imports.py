"""The command line and the import-weight promises."""
import subprocess
import sys

from click.testing import CliRunner

import mmmigrate
from mmmigrate.cli import main


def test_version_and_help():
    runner = CliRunner()
    result = runner.invoke(main, ['--version'])
    assert result.exit_code == 0 and result.output.strip() == f'mmmigrate, version {mmmigrate.__version__}'
    result = runner.invoke(main, ['--help'])
    assert result.exit_code == 0 and 'MMCV 1.x' in result.output


def _modules_after(statement: str) -> set:
    code = f'import sys; {statement}; print("\\n".join(sorted(sys.modules)))'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_cli_and_codemod_packages_do_not_import_torch():
    loaded = _modules_after('import mmmigrate.cli, mmmigrate.migrate, mmmigrate.rules')
    assert 'torch' not in loaded


def test_engine_package_imports_nothing_heavy():
    loaded = _modules_after('import mmmigrate.engine')
    assert not loaded & {'torch', 'numpy', 'libcst', 'yaml'}


def test_whole_engine_core_needs_only_torch():
    loaded = _modules_after('import mmmigrate.engine.model, mmmigrate.engine.optim, '
                            'mmmigrate.engine.dataset, mmmigrate.engine.runner')
    assert 'torch' in loaded
    assert not any(name.split('.')[0] in ('mmengine', 'mmcv', 'libcst') for name in loaded)
