import sys
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
