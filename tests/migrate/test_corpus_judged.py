"""The corpus judge (tests/corpus/judge.py) on the libraries it runs in
about half a minute: with real MMCV 1.7.2 and real MMEngine 0.10.7, every
leaf config that loads legacy loads converted, and trains the same (lr and
momentum per iteration, optimizer, clipping, AMP, cadences) or differs only
where a finding says so."""
import pytest

from corpus.fetch import CorpusUnavailable
from corpus.judge import main as judge

pytestmark = [pytest.mark.slow, pytest.mark.oracle]


@pytest.mark.parametrize('library', ['mmrotate', 'mmocr', 'mmselfsup'])
def test_converted_leaves_load_and_train_the_same(library, mmengine_python, tmp_path):
    import oracle_env
    if not (oracle_env.REPO / '.oracle' / 'mmcv' / 'bin' / 'python').exists():
        pytest.skip('MMCV oracle not installed (../shared/oracle/setup_mmcv.sh .oracle/mmcv)')
    try:
        status = judge(['--libraries', library, '--json', str(tmp_path / 'verdicts.json')])
    except CorpusUnavailable as e:
        pytest.skip(str(e))
    assert status == 0, (tmp_path / 'verdicts.json').read_text()[:5000]
