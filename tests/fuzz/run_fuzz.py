"""Fuzz ``mmmigrate config`` with mutants of the development corpus.

    python tests/fuzz/run_fuzz.py --count 10000 [--seed 20261207] [--json FILE]

Each mutant is a real leaf config of the corpus with its ``_base_`` chain,
one file mutated (tests/fuzz/mutants.py). All mutants are converted in one
run (``-j 0``), then checked:

- no traceback and no internal error: every failure is a message;
- no hang: every file converts in under 5 s;
- every written file parses;
- a second run changes nothing;
- no top-level value is removed unless the tool converted it (it says so in
  ``converted_keys``) and no key with an error finding is removed;
- with the oracle venvs (``.oracle/mmcv``, ``.oracle/mmengine``): a leaf that
  real MMCV 1.7.2 loads still loads, converted, in real MMEngine 0.10.7
  (a failure the tool flagged with a warning or error is counted apart).

Prints the figures; exit status 1 when any check failed.
"""
import argparse
import ast
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

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))
from corpus.fetch import LIBRARIES, corpus  # noqa: E402
from fuzz.mutants import make_mutant  # noqa: E402

SLOW_FILE_SECONDS = 5.0


def seed_leaves(configs: Path) -> list:
    """(library root, leaf config) of every leaf config in the corpus."""
    leaves = []
    for name in LIBRARIES:
        root = configs / name
        leaves += [(root, p) for p in sorted(root.rglob('*.py'))
                   if '_base_' not in p.relative_to(root).parts]
    return leaves


def generate(count: int, seed: int, out: Path) -> list:
    configs, _ = corpus()
    leaves = seed_leaves(configs)
    by_library = {}
    for root, leaf in leaves:
        by_library.setdefault(root, []).append(leaf)
    roots = sorted(by_library)
    mutants = []
    for index in range(count):
        root = roots[index % len(roots)]
        mutants.append(make_mutant(root, by_library[root], index, seed,
                                   out / f'm{index:05d}'))
    return mutants


def run_config(tree: Path, *extra, timeout: float) -> tuple:
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', str(tree),
                               '--report', 'json', '-j', '0', *extra], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, 'the run did not finish in time', time.perf_counter() - started
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        report = None
    return report, (proc.returncode, proc.stderr), time.perf_counter() - started


def top_level_names(data: bytes):
    try:
        module = ast.parse(data)
    except (SyntaxError, ValueError):
        return None
    names = set()
    for node in module.body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            for inner in ast.walk(target):
                if isinstance(inner, ast.Name):
                    names.add(inner.id)
    return names


def load_all(library: str, paths: list, scratch: Path, jobs: int = 2) -> dict:
    python = REPO / '.oracle' / library / 'bin' / 'python'
    chunks = [paths[i::jobs] for i in range(jobs) if paths[i::jobs]]

    def one(index):
        result = scratch / f'{library}-{index}.json'
        subprocess.run([str(python), str(HERE / 'load_configs.py'), library, str(result)],
                       input='\n'.join(chunks[index]), capture_output=True, text=True,
                       env=dict(os.environ, PYTHONWARNINGS='ignore'), cwd=scratch)
        return json.loads(result.read_text()) if result.exists() else {
            p: 'the loader crashed' for p in chunks[index]}

    merged = {}
    with concurrent.futures.ThreadPoolExecutor(len(chunks)) as pool:
        for part in pool.map(one, range(len(chunks))):
            merged.update(part)
    return merged


def oracles_present() -> bool:
    return all((REPO / '.oracle' / side / 'bin' / 'python').exists()
               for side in ('mmcv', 'mmengine'))


def fuzz(count: int, seed: int, workdir: Path, use_oracles: bool = True) -> dict:
    """Generate, convert and check ``count`` mutants; figures and failures."""
    inputs, outputs = workdir / 'inputs', workdir / 'outputs'
    mutants = generate(count, seed, inputs)
    shutil.copytree(inputs, outputs, symlinks=True)
    failures = Counter()
    examples = {}

    def fail(kind, detail):
        failures[kind] += 1
        examples.setdefault(kind, []).append(detail) if len(examples.get(kind, [])) < 10 \
            else None

    report, status, first_seconds = run_config(outputs, timeout=60 + count)
    if report is None:
        raise RuntimeError(f'mmmigrate config gave no report: {status}')
    returncode, stderr = status
    if 'Traceback' in stderr or returncode not in (0, 2, 3):
        fail('traceback', stderr[-2000:])
    files = {str(Path(f['path']).resolve()): f for f in report['files']}
    slowest = max((f.get('seconds', 0) for f in files.values()), default=0)
    for path, entry in files.items():
        if entry['error'] and 'internal error' in entry['error']:
            fail('internal error', entry['error'])
        if entry.get('seconds', 0) > SLOW_FILE_SECONDS:
            fail('over 5 s', f"{path}: {entry['seconds']} s")
    for path, entry in files.items():
        if not entry['changed']:
            continue
        output = Path(path)
        source = inputs / output.relative_to(outputs.resolve())
        try:
            compile(output.read_bytes(), path, 'exec', dont_inherit=True)
        except (SyntaxError, ValueError) as e:
            fail('unparseable output', f'{path}: {e}')
            continue
        before, after = top_level_names(source.read_bytes()), top_level_names(
            output.read_bytes())
        if before is None or after is None:
            continue
        errors = {f['key'].split('.')[0] for f in entry['findings'] if f['severity'] == 'error'}
        for name in sorted(before - after):
            if name not in entry['converted_keys'] or name in errors:
                fail('value removed', f'{path}: {name}')
    second, status2, _ = run_config(outputs, '--check', timeout=60 + count)
    if second is None:
        fail('traceback', f'second run: {status2}')
    else:
        for entry in second['files']:
            if entry['changed']:
                fail('not idempotent', entry['path'])
    loads = Counter()
    if use_oracles and oracles_present():
        safe = [m for m in mutants if m['safe_to_load']]
        legacy = load_all('mmcv', [m['leaf'] for m in safe], workdir.resolve())
        loaded = [m for m in safe if legacy.get(m['leaf'], 'missing') is None]
        outputs_of = {m['leaf']: str(outputs / Path(m['leaf']).relative_to(inputs))
                      for m in loaded}
        engine = load_all('mmengine', list(outputs_of.values()), workdir.resolve())
        loads['inputs MMCV loads'] = len(loaded)
        for m in loaded:
            output = outputs_of[m['leaf']]
            error = engine.get(output, 'missing')
            if error is None:
                loads['outputs MMEngine loads'] += 1
                continue
            mutant_dir = str((outputs / f"m{m['index']:05d}").resolve()) + os.sep
            said = [f['severity'] for e in files.values() if e['path'].startswith(mutant_dir)
                    for f in e['findings'] if f['severity'] != 'info'] + [
                'error' for e in files.values()
                if e['path'].startswith(mutant_dir) and e['error']]
            if said:
                loads['fail to load, flagged'] += 1
                examples.setdefault('fail to load, flagged', []).append(
                    f"{output} ({m['operation']}: {m['what']}): {error}")
            else:
                fail('fails to load where the input loaded',
                     f"{output} ({m['operation']}: {m['what']}): {error}")
    return dict(mutants=count, files=len(files), operations=dict(Counter(
        m['operation'] for m in mutants)), seconds_first_run=round(first_seconds, 1),
        slowest_file_seconds=slowest, loads=dict(loads), failures=dict(failures),
        examples=examples, exit_statuses=returncode)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--count', type=int, default=10000)
    parser.add_argument('--seed', type=int, default=20261207)
    parser.add_argument('--json', type=Path, help='write the figures and examples here')
    parser.add_argument('--keep', type=Path, help='keep the mutants in this (new) folder')
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True)
        result = fuzz(args.count, args.seed, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix='mmmigrate-fuzz-') as scratch:
            result = fuzz(args.count, args.seed, Path(scratch))
    print(json.dumps({k: v for k, v in result.items() if k != 'examples'}, indent=1))
    for kind, details in result['examples'].items():
        print(f'\n{kind}:')
        for detail in details:
            print('  ', detail[:500])
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 1 if result['failures'] else 0


if __name__ == '__main__':
    sys.exit(main())
