"""The development corpus (tests/corpus/fetch.py): the MMCV 1.x-era configs
(about 1,300) and Python packages (about 1,400 files) shipped in eight
OpenMMLab packages, cached outside the checkout.

``mmmigrate config``: no file may crash the tool; every output must parse,
load with the bundled engine's Config, convert to nothing on a second run,
and every leaf config's ``param_scheduler`` must build on the engine.

``mmmigrate convert``: no crash, every output parses, a second run changes
nothing, and no import from a package MMCV 2.x lacks is left without a
``# TODO(mmmigrate)`` saying what to use instead.
"""
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from corpus.fetch import CorpusUnavailable, corpus

pytestmark = pytest.mark.slow



def _corpus():
    """(configs folder, sources folder), a sub-folder per library in each."""
    try:
        return corpus()
    except CorpusUnavailable as e:
        pytest.skip(str(e))


def _corpus_configs() -> Path:
    return _corpus()[0]


def _convert_copy(command: str, source: Path, tree: Path) -> tuple:
    """Run ``mmmigrate COMMAND`` on a copy of ``source``; (tree, JSON report)
    after checking that no file failed and the summary is plausible."""
    shutil.copytree(source, tree, dirs_exist_ok=True)
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', command, str(tree),
                             '--report', 'json', '-j', '0'], capture_output=True, text=True)
    report = json.loads(result.stdout)
    kept = any(f['severity'] == 'error' for file in report['files'] for f in file['findings'])
    # `config` exits 3 when a value was kept because it could not be carried over
    assert result.returncode == (3 if kept and command == 'config' else 0), result.stderr[-3000:]
    assert report['summary']['errors'] == 0, [f['error'] for f in report['files'] if f['error']]
    return tree, report


@pytest.fixture(scope='module')
def converted_corpus(tmp_path_factory):
    return _convert_copy('config', _corpus_configs(), tmp_path_factory.mktemp('corpus'))


def test_whole_corpus_converts_without_a_crash(converted_corpus):
    tree, report = converted_corpus
    assert report['summary']['files'] >= 1000
    assert report['summary']['changed'] >= 800
    rules = Counter(x['rule'] for f in report['files'] for x in f['findings'])
    print('\nkeys converted:', report['summary']['keys_converted'], 'flagged:',
          report['summary']['flagged'], dict(rules.most_common()))


def test_second_run_changes_nothing(converted_corpus):
    tree, _ = converted_corpus
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', str(tree),
                             '--check', '--report', 'json', '-j', '0'],
                            capture_output=True, text=True)
    report = json.loads(result.stdout)
    assert report['summary']['changed'] == 0, [f['path'] for f in report['files']
                                               if f['changed']][:10]
    assert result.returncode in (0, 3)  # 3: values kept with a TODO, as in the first run


def test_every_output_loads_and_leaf_schedules_build(converted_corpus):
    tree, _ = converted_corpus
    from mmmigrate.engine.config import Config
    failures, leaves, schedules = [], 0, 0
    for path in sorted(tree.rglob('*.py')):
        try:
            # custom_imports name the library's own packages, not installed here
            config = Config.fromfile(str(path), import_custom_modules=False)
        except Exception as e:  # noqa: BLE001 - collected and reported below
            failures.append(f'{path.relative_to(tree)}: {type(e).__name__}: {e}')
            continue
        if '_base_' in path.parts:
            continue
        leaves += 1
        if config.get('param_scheduler') is not None:
            try:
                _build_schedulers(config)
                schedules += 1
            except Exception as e:  # noqa: BLE001
                failures.append(f'{path.relative_to(tree)}: param_scheduler: '
                                f'{type(e).__name__}: {e}')
    print(f'\n{leaves} leaf configs, {schedules} param_scheduler lists built')
    assert not failures, '\n'.join(failures[:20])
    assert schedules >= 500


def _build_schedulers(config) -> list:
    """Build the param_scheduler as the Runner would (default ``end`` from
    the loop length), on an optimizer with the config's momentum/betas."""
    import torch
    from mmmigrate.engine.optim import OptimWrapper
    from mmmigrate.engine.registry import PARAM_SCHEDULERS
    optimizer_cfg = (config.get('optim_wrapper') or {}).get('optimizer') or {}
    param = torch.nn.Parameter(torch.zeros(1))
    if 'betas' in optimizer_cfg:
        optimizer = torch.optim.AdamW([param], lr=0.01, betas=tuple(optimizer_cfg['betas']))
    else:
        optimizer = torch.optim.SGD([param], lr=0.01, momentum=0.9)
    wrapper = OptimWrapper(optimizer)
    loop = config.get('train_cfg') or {}
    built = []
    for item in config['param_scheduler']:
        item = dict(item)
        item.setdefault('end', loop.get('max_epochs', 1) if item.get('by_epoch', True)
                        else loop.get('max_iters', loop.get('max_epochs', 1) * 100))
        built.append(PARAM_SCHEDULERS.build(item, default_args=dict(optimizer=wrapper,
                                                                   epoch_length=100)))
    return built


@pytest.fixture(scope='module')
def converted_sources(tmp_path_factory):
    return _convert_copy('convert', _corpus()[1], tmp_path_factory.mktemp('sources'))


def test_sources_convert_without_a_crash_and_parse(converted_sources):
    tree, report = converted_sources
    assert report['summary']['files'] >= 900
    assert report['summary']['changed'] >= 300
    import ast
    for path in tree.rglob('*.py'):
        ast.parse(path.read_bytes(), str(path))
    rules = Counter(x['rule'] for f in report['files'] for x in f['findings'])
    print('\nsources: changed', report['summary']['changed'], 'findings', dict(rules))


def test_sources_second_run_changes_nothing(converted_sources):
    tree, _ = converted_sources
    result = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'convert', str(tree),
                             '--check', '-j', '0'], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


GONE = ('mmcv.runner', 'mmcv.parallel', 'mmcv.utils', 'mmcv.fileio', 'mmcv.engine',
        'mmcv.device')


def test_no_import_from_a_gone_package_is_left_unexplained(converted_sources):
    import ast
    from mmmigrate.migrate.codemods.imports import lookup
    tree, _ = converted_sources
    unexplained = []
    for path in tree.rglob('*.py'):
        source = path.read_text(encoding='utf-8-sig')
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith(GONE)):
                continue
            if all(lookup(node.module, a.name)[0] == 'keep' for a in node.names):
                continue  # names MMCV 2.x still has (mmcv.utils.collect_env, ...)
            above = lines[node.lineno - 2] if node.lineno > 1 else ''
            if not above.lstrip().startswith(('# TODO(mmmigrate)', '#   ')):
                unexplained.append(f'{path.relative_to(tree)}:{node.lineno}')
    assert not unexplained, unexplained[:20]
