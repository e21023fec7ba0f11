import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / 'oracle'))
sys.path.insert(0, str(Path(__file__).parent))  # numerics

import oracle_env  # noqa: E402


@pytest.fixture(scope='session')
def mmengine_python():
    """The interpreter of the real-MMEngine oracle venv; skips the test when
    it is not installed (see tests/oracle/oracle_env.py)."""
    python = oracle_env.mmengine_python()
    if python is None:
        pytest.skip(f'MMEngine oracle not installed at {oracle_env.mmengine_venv()} '
                    f'(bash {oracle_env.SETUP_MMENGINE} {oracle_env.mmengine_venv()})')
    return python


@pytest.fixture
def umask():
    """``umask(mask)`` sets the process umask for the test; the old one is
    put back afterwards."""
    previous = os.umask(0o022)
    os.umask(previous)
    yield os.umask
    os.umask(previous)


@pytest.fixture
def message_hub():
    """A fresh MessageHub made current for the test."""
    from mmmigrate.engine.logging import MessageHub
    import uuid
    return MessageHub.get_instance(f'test-{uuid.uuid4().hex}')


def pytest_collection_modifyitems(config, items):
    """Bitwise comparisons with recorded MMCV/MMEngine results mean something
    only on float kernels like those they were recorded on (tests/numerics.py)."""
    marked = [item for item in items if item.get_closest_marker('recorded_numerics')]
    if not marked:
        return
    import numerics
    reason = numerics.mismatch()
    if reason:
        for item in marked:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_configure(config):
    """Processes the tests start (torchrun writes torchelastic_* folders,
    torch its inductor cache, the oracles their own) get a temp folder of
    the session's, removed at its end, so the suite leaves nothing behind.
    This process keeps the real one: pytest's tmp_path lives there, and a
    test of ours that leaks a temp file shows up."""
    if os.environ.get('MMMIGRATE_TESTS_TMPDIR'):  # an xdist worker: the controller made it
        return
    tempfile.gettempdir()  # fixed for this process before TMPDIR changes
    root = tempfile.mkdtemp(prefix='mmmigrate-tests-')
    os.environ.update(MMMIGRATE_TESTS_TMPDIR=root, TMPDIR=root,
                      TORCHINDUCTOR_CACHE_DIR=os.path.join(root, 'torchinductor'))
    config._mmmigrate_tmp_root = root


def pytest_unconfigure(config):
    root = getattr(config, '_mmmigrate_tmp_root', None)
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)
