"""A seeded sample of the config fuzzer (tests/fuzz/run_fuzz.py; the full
run is that script with --count 10000): 600 mutants of the development
corpus converted and checked — no traceback, no file over 5 s, every output
parses, a second run changes nothing, no value removed without being
converted, and (with the oracle venvs) every leaf real MMCV loads still
loads in real MMEngine after conversion, or the tool flagged why not."""
import pytest

from corpus.fetch import CorpusUnavailable
from fuzz.run_fuzz import fuzz

pytestmark = pytest.mark.slow

SAMPLE, SEED = 600, 20261207


def test_seeded_fuzz_sample_has_no_failures(tmp_path):
    try:
        result = fuzz(SAMPLE, SEED, tmp_path)
    except CorpusUnavailable as e:
        pytest.skip(str(e))
    assert result['mutants'] == SAMPLE
    assert result['failures'] == {}, result['examples']
