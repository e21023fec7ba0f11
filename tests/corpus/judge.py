"""Judge ``mmmigrate config`` on the development corpus with the real
libraries: every leaf config that real MMCV 1.7.2 loads must load, after
conversion, in real MMEngine 0.10.7, and train the same: lr and momentum of
every param group at every iteration, optimizer, clipping, AMP,
accumulation, loop length, and when validation, checkpoints and logs
happen.

    python tests/corpus/judge.py [--libraries mmpose,mmocr] [--json FILE]

Needs both oracle venvs (``.oracle/mmcv``, ``.oracle/mmengine``; see
``../shared/oracle/``) and the project installed in the running Python.
Prints one row per library and, with ``--json``, every config's verdict.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from corpus.fetch import LIBRARIES, chain_of, corpus  # noqa: E402

# Relative tolerance on lr / momentum: MMCV computes each value in closed
# form, MMEngine's chained schedulers multiply step by step, so the two
# differ in the last bits without training differently.
RTOL = 1e-6
# A difference counts as flagged when the config or one of its bases has a
# finding whose rule id starts with one of these.
FLAGGED_BY = {
    'schedule': ('warmup-', 'schedule-', 'lr-', 'momentum-'),
    'val_at': ('val-', 'evaluation-start', 'evaluation-interval'),
    'checkpoint_at': ('checkpoint-', ), 'max_keep_ckpts': ('checkpoint-', ),
    'save_best': ('checkpoint-', 'evaluation-'),
    'optimizer': ('optimizer-', ), 'paramwise': ('optimizer-', 'paramwise-'),
    'constructor': ('optimizer-', ), 'clip_grad': ('optimizer-', 'grad-clip'),
    'amp': ('fp16-', 'optimizer-'), 'accumulate': ('optimizer-', ),
    'log_interval': ('log-', ), 'length': ('runner-', ), 'by_epoch': ('runner-', ),
}
CONSTRUCTOR_NAMES = {'DefaultOptimizerConstructor': 'DefaultOptimWrapperConstructor'}
ALWAYS_FLAGGING = ('legacy-key-kept', 'rewrite-refused')


def is_leaf(path: Path, root: Path) -> bool:
    return '_base_' not in path.relative_to(root).parts


def run_side(python: Path, script: str, paths: list, out_dir: Path, iters: int,
             jobs: int) -> dict:
    """Run one side over ``paths`` in ``jobs`` processes; merged results."""
    chunks = [paths[i::jobs] for i in range(jobs) if paths[i::jobs]]

    def one(index):
        result = out_dir / f'{Path(script).stem}-{index}.json'
        proc = subprocess.run([str(python), str(HERE / script), str(out_dir), str(iters),
                               str(result)], input='\n'.join(map(str, chunks[index])),
                              capture_output=True, text=True, env=dict(os.environ,
                                                                       PYTHONWARNINGS='ignore'))
        if proc.returncode != 0:
            raise RuntimeError(f'{script} failed:\n{proc.stderr[-3000:]}')
        return json.loads(result.read_text())

    merged = {}
    with concurrent.futures.ThreadPoolExecutor(len(chunks)) as pool:
        for part in pool.map(one, range(len(chunks))):
            merged.update(part)
    return merged


def compare_schedules(legacy_file: str, engine_file: str):
    """None when equal, else (first differing iteration, largest relative
    deviation, what differs)."""
    a, b = np.load(legacy_file), np.load(engine_file)
    if a.shape != b.shape:
        return dict(what='shape', legacy=list(a.shape), engine=list(b.shape))
    scale = np.maximum(np.abs(a), np.abs(b))
    bad = np.abs(a - b) > RTOL * scale + 1e-12
    if not bad.any():
        return None
    it, kind, group = map(int, np.argwhere(bad)[0])
    deviation = float(np.max(np.abs(a - b)[bad] / np.maximum(scale[bad], 1e-300)))
    return dict(what=('lr', 'momentum')[kind], iteration=it, group=group,
                legacy=float(a[it, kind, group]), engine=float(b[it, kind, group]),
                largest_relative_deviation=deviation)


def judge_config(legacy: dict, engine: dict) -> dict:
    if 'load_error' in legacy:
        return dict(verdict='not loadable by MMCV', error=legacy['load_error'])
    if 'load_error' in engine:
        return dict(verdict='fails to load', error=engine['load_error'])
    differences = {}
    fields = legacy.get('fields', {})
    if fields.get('length') is None and fields.get('optimizer') is None:
        return dict(verdict='no training settings')
    error = legacy.get('schedule_error', '')
    if error and ('schedule_error' in engine or _unregistered(error)):
        # An optimizer, constructor or lr policy of the library itself,
        # registered by its package, which the oracles lack.
        return dict(verdict='not comparable', differences=dict(
            legacy=error, engine=engine.get('schedule_error')))
    if error.startswith('TypeError') and 'UpdaterHook' in error:
        return dict(verdict='MMCV cannot build its schedule', error=error)
    for side, entry in (('legacy', legacy), ('engine', engine)):
        for key in ('fields_error', 'schedule_error'):
            if key in entry:
                differences[f'{side} {key}'] = entry[key]
    lf, ef = legacy.get('fields', {}), engine.get('fields', {})
    for key in sorted(set(lf) | set(ef)):
        if not _same(key, lf.get(key), ef.get(key)):
            differences[key] = dict(legacy=lf.get(key), engine=ef.get(key))
    if 'schedule' in legacy and 'schedule' in engine:
        schedule = compare_schedules(legacy['schedule'], engine['schedule'])
        if schedule:
            differences['schedule'] = schedule
    elif 'schedule' in legacy or 'schedule' in engine:
        differences.setdefault('schedule', 'built on one side only')
    return dict(verdict='differs' if differences else 'agrees', differences=differences)


def _unregistered(error: str) -> bool:
    return error.startswith('KeyError') and 'is not in the' in error and 'registry' in error


def _same(field: str, legacy, engine) -> bool:
    if field == 'constructor':  # MMEngine's name for MMCV's default constructor
        legacy = CONSTRUCTOR_NAMES.get(legacy, legacy)
    return legacy == engine


def flagged(field: str, rules: list) -> bool:
    prefixes = FLAGGED_BY.get(field.split()[-1], ()) + ALWAYS_FLAGGING
    return any(rule.startswith(prefixes) for rule in rules)


def convert(tree: Path) -> dict:
    """``mmmigrate config`` in place over ``tree``; findings by file."""
    proc = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', str(tree),
                           '--report', 'json', '-j', '0'], capture_output=True, text=True)
    if proc.returncode not in (0, 3):
        raise RuntimeError(f'mmmigrate config failed ({proc.returncode}): {proc.stderr[-2000:]}')
    report = json.loads(proc.stdout)
    return {str(Path(f['path']).resolve()): [x['rule'] for x in f['findings']]
            for f in report['files']}


def judge_library(name: str, source: Path, scratch: Path, pythons: dict, iters: int,
                  jobs: int) -> dict:
    legacy_tree, converted_tree = scratch / 'legacy' / name, scratch / 'converted' / name
    shutil.copytree(source, legacy_tree)
    shutil.copytree(source, converted_tree)
    started = time.perf_counter()
    findings = convert(converted_tree)
    converted_in = time.perf_counter() - started
    leaves = sorted(p.relative_to(legacy_tree) for p in legacy_tree.rglob('*.py')
                    if is_leaf(p, legacy_tree))
    arrays = scratch / 'arrays' / name
    arrays.mkdir(parents=True)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        legacy_future = pool.submit(run_side, pythons['mmcv'], 'legacy_side.py',
                                    [legacy_tree / p for p in leaves], arrays, iters, jobs)
        engine_future = pool.submit(run_side, pythons['mmengine'], 'engine_side.py',
                                    [converted_tree / p for p in leaves], arrays, iters, jobs)
        legacy, engine = legacy_future.result(), engine_future.result()
    verdicts = {}
    for rel in leaves:
        verdict = judge_config(legacy[str(legacy_tree / rel)], engine[str(converted_tree / rel)])
        chain = chain_of(converted_tree / rel)
        verdict['findings'] = sorted({rule for file in chain
                                      for rule in findings.get(str(file), [])})
        if verdict['verdict'] == 'differs':
            silent = [k for k in verdict['differences'] if not flagged(k, verdict['findings'])]
            verdict['verdict'] = 'differs, silently' if silent else 'differs, flagged'
            verdict['silent'] = silent
        verdicts[str(rel)] = verdict
    shutil.rmtree(arrays)
    return dict(verdicts=verdicts, seconds_to_convert=converted_in)


def summary_row(name: str, result: dict) -> dict:
    counts = Counter(v['verdict'] for v in result['verdicts'].values())
    fields = Counter(k for v in result['verdicts'].values()
                     for k in v.get('differences', {}))
    silent = Counter(k for v in result['verdicts'].values() for k in v.get('silent', []))
    loads = len(result['verdicts']) - counts['not loadable by MMCV']
    return dict(library=name, leaves=len(result['verdicts']), mmcv_loads=loads,
                mmengine_loads=loads - counts['fails to load'],
                fails_to_load=counts['fails to load'],
                no_training_settings=counts['no training settings'],
                mmcv_cannot_build_schedule=counts['MMCV cannot build its schedule'],
                not_comparable=counts['not comparable'], agree=counts['agrees'],
                differ_flagged=counts['differs, flagged'],
                differ_silently=counts['differs, silently'],
                differing_fields=dict(fields.most_common()), silent_fields=dict(silent))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--libraries', default=','.join(LIBRARIES))
    parser.add_argument('--iters-per-epoch', type=int, default=10,
                        help='length of an epoch for epoch-based schedules (default 10)')
    parser.add_argument('-j', '--jobs', type=int, default=max(1, (os.cpu_count() or 2) // 2),
                        help='processes per side')
    parser.add_argument('--json', type=Path, help='write every config verdict here')
    args = parser.parse_args(argv)
    pythons = {side: REPO / '.oracle' / side / 'bin' / 'python' for side in ('mmcv', 'mmengine')}
    missing = [str(p) for p in pythons.values() if not p.exists()]
    if missing:
        print(f'oracle venvs missing: {missing} (see ../shared/oracle/)', file=sys.stderr)
        return 2
    configs, _ = corpus(args.libraries.split(','))
    rows, everything = [], {}
    with tempfile.TemporaryDirectory(prefix='mmmigrate-judge-') as scratch:
        for name in args.libraries.split(','):
            source = configs / name
            if not any(source.rglob('*.py')):
                print(f'{name}: ships no configs', file=sys.stderr)
                continue
            everything[name] = judge_library(name, source, Path(scratch), pythons,
                                             args.iters_per_epoch, args.jobs)
            rows.append(summary_row(name, everything[name]))
            print(json.dumps(rows[-1]), flush=True)
    columns = ('library', 'leaves', 'mmcv_loads', 'mmengine_loads', 'fails_to_load',
               'no_training_settings', 'mmcv_cannot_build_schedule', 'not_comparable', 'agree',
               'differ_flagged', 'differ_silently')
    print('| ' + ' | '.join(columns) + ' |')
    print('|' + '---|' * len(columns))
    for row in rows:
        print('| ' + ' | '.join(str(row[c]) for c in columns) + ' |')
    if args.json:
        args.json.write_text(json.dumps(dict(summary=rows, configs=everything), indent=1))
    return 0 if all(r['fails_to_load'] == 0 and r['differ_silently'] == 0 for r in rows) else 1


if __name__ == '__main__':
    sys.exit(main())
