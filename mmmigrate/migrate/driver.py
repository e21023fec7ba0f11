"""The file driver of ``mmmigrate config`` and ``mmmigrate convert``: which
files, in how many processes, where the output goes, and the report.

Files are written atomically (temporary file in the same folder, fsync,
rename), keep their newline style (and a source's BOM), and are never
written when the new text does not parse. Nothing here imports torch or
executes a config.
"""
import contextlib
import difflib
import errno
import functools
import gc
import json
import multiprocessing
import os
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from .config_file import ConfigConverter, FileResult
from .reader import ConfigReadError, absolute
from .translate.values import Finding


@dataclass
class Outcome:
    """One file's result as the report shows it."""
    path: str
    changed: bool = False
    converted_keys: List[str] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    error: Optional[str] = None
    old_source: str = ''  # for the diff, worked out when it is asked for
    new_source: str = ''
    new_data: Optional[bytes] = None  # sources: the exact bytes to write
    kind: str = 'config'  # or 'source'
    skipped: bool = False  # a source that never mentions mmcv
    seconds: float = 0.0  # time to read and convert it (its bases' first time included)

    @property
    def diff(self) -> str:
        """The unified diff of the change ('' when nothing changed)."""
        if not self.changed:
            return ''
        return ''.join(difflib.unified_diff(self.old_source.splitlines(True),
                                            self.new_source.splitlines(True),
                                            f'a/{self.path}', f'b/{self.path}'))


def collect_python_files(paths: List[Path], include=(), exclude=(),
                         gitignore: bool = True) -> List[Path]:
    """The .py files named, and the .py files under the folders named
    (see :mod:`.selection` for what a walk skips)."""
    from .selection import select_python_files
    return select_python_files(paths, include, exclude, gitignore)


class WritePlan:
    """Where converted files go: in place (the default), to ``output`` (one
    input file), or under ``out_dir`` mirroring the inputs' common folder
    (every file is written there, changed or not)."""

    def __init__(self, output: Optional[Path] = None, out_dir: Optional[Path] = None,
                 inputs: List[Path] = ()):
        self.output = output
        self.out_dir = out_dir
        folders = [str(absolute(p).parent) for p in inputs]
        self.root = Path(os.path.commonpath(folders)) if folders else Path.cwd()

    def prepare(self, paths: List[Path]) -> None:
        """Before anything is written: remove what a killed run left."""
        targets = [self.target(Outcome(str(p), changed=True)) for p in paths]
        _remove_stale_temporaries({t.parent for t in targets if t is not None})

    def target(self, outcome: 'Outcome') -> Optional[Path]:
        if outcome.error:
            return None
        if self.output is not None:
            return self.output
        if self.out_dir is not None:
            return self.out_dir / absolute(outcome.path).relative_to(self.root)
        return Path(outcome.path) if outcome.changed else None


@contextlib.contextmanager
def _cyclic_gc_paused():
    """A run holds every file's syntax tree and value tree: no reference
    cycles to find, but Python's cyclic collector would rescan the growing
    heap over and over (about half the time of a corpus run). Reference
    counting still frees everything; forked workers inherit the pause."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def convert_paths(paths: List[Path], flatten: bool = False, jobs: int = 1,
                  plan: Optional[WritePlan] = None, progress=None) -> List[Outcome]:
    """Convert every file and return the outcomes, in the order of
    ``paths``; each converted file is written as ``plan`` says (nothing is
    written without one).

    The whole run is read first (which keys bases leave to their children
    depends on all of it). With ``jobs > 1`` the files are then converted
    by forked workers that share what was read; where fork is not
    available they read the tree again themselves."""
    with _cyclic_gc_paused():
        return _convert_paths(paths, flatten, jobs, plan, progress)


def _convert_paths(paths: List[Path], flatten: bool, jobs: int, plan: Optional[WritePlan],
                   progress) -> List[Outcome]:
    converter = ConfigConverter()
    converter.prepare(paths)
    if plan is not None:
        plan.prepare(paths)
    if jobs <= 1 or len(paths) < 2 * jobs:
        return _convert_list(converter, paths, flatten, plan, progress)
    # Files of one folder share most of their bases: keep them together.
    chunks = [[] for _ in range(jobs)]
    by_folder: dict = {}
    for path in paths:
        by_folder.setdefault(str(path.parent), []).append(str(path))
    for folder_paths in sorted(by_folder.values(), key=len, reverse=True):
        min(chunks, key=len).extend(folder_paths)
    global _SHARED
    _SHARED = (converter, flatten, plan)
    try:
        context = multiprocessing.get_context('fork')
    except ValueError:
        context = None  # no fork (Windows): workers rebuild from the suppression map
    try:
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            worker = _convert_shared if context else functools.partial(
                _convert_chunk, flatten=flatten, planning=converter.planning, plan=plan)
            results = {}
            for chunk_result in pool.map(worker, chunks):
                results.update((o.path, o) for o in chunk_result)
                if progress is not None:
                    progress.advance(len(chunk_result))
    finally:
        _SHARED = None
    return [results[str(p)] for p in paths]


_SHARED = None  # (converter, flatten, plan), inherited by forked workers


def _convert_shared(paths: List[str]) -> List[Outcome]:
    converter, flatten, plan = _SHARED
    return _convert_list(converter, paths, flatten, plan)


def _convert_chunk(paths: List[str], flatten: bool, planning, plan) -> List[Outcome]:
    converter = ConfigConverter()
    converter.prepare(paths, planning)
    return _convert_list(converter, paths, flatten, plan)


def _convert_list(converter: ConfigConverter, paths, flatten: bool,
                  plan: Optional[WritePlan], progress=None) -> List[Outcome]:
    """Convert ``paths`` in order; files are written by a few threads while
    the next ones are converted (writing is mostly waiting for the disk)."""
    outcomes, pending = [], []
    with ThreadPoolExecutor(max_workers=4) as writers:
        for path in paths:
            started = time.perf_counter()
            outcome = _translate_one(converter, Path(path), flatten)
            outcome.seconds = time.perf_counter() - started
            if progress is not None:
                progress.advance()
            if plan is None:
                outcomes.append(outcome)
                continue
            target = plan.target(outcome)
            if target is not None:
                outcome.findings += _moved_base_findings(converter, Path(path), target, plan)
                pending.append((outcome, target, writers.submit(
                    write_atomically, target, _content(outcome), Path(outcome.path),
                    plan.out_dir)))
            outcomes.append(outcome)
    for outcome, target, written in pending:
        try:
            written.result()
        except OSError as e:
            outcome.error = f'{target}: cannot write ({e.strerror or e})'
    return outcomes


def _moved_base_findings(converter: ConfigConverter, path: Path, target: Path,
                         plan: WritePlan) -> List[Finding]:
    """A relative ``_base_`` of a file written elsewhere (``-o``, or
    ``--out-dir`` for a base outside the converted folder) that no longer
    leads to its base there."""
    try:
        config_file = converter.tree.file(path)
    except ConfigReadError:
        return []
    raw = config_file.values.get('_base_')
    written = [raw] if isinstance(raw, str) else list(raw or ())
    findings = []
    for text, base in zip(written, config_file.bases):
        moved = absolute(target.parent / text)
        inside = plan.out_dir is not None and plan.root in base.parents
        if os.path.isabs(text) or moved == base or inside:
            continue
        findings.append(Finding(
            'base-path-moved', 'warning', '_base_',
            f'written to {target}: its _base_ {text!r} leads to {moved} there, not to {base}; '
            'copy the base beside it, or convert the folder holding both with --out-dir',
            file=str(path), line=config_file.lines.get('_base_')))
    return findings


def convert_stdin(source: str, flatten: bool = False) -> Outcome:
    """Convert a config given as text; its ``_base_`` paths are relative to
    the current folder."""
    converter = ConfigConverter()
    path = Path.cwd() / '<stdin>.py'
    try:
        converter.tree.add_source(path, source)
    except ConfigReadError as e:
        return Outcome('<stdin>', error=str(e))
    outcome = _translate_one(converter, path, flatten)
    outcome.path = '<stdin>'
    return outcome


def _translate_one(converter: ConfigConverter, path: Path, flatten: bool) -> Outcome:
    try:
        result: FileResult = converter.flatten(path) if flatten else converter.convert(path)
    except (ConfigReadError, OSError, UnicodeDecodeError) as e:
        return Outcome(str(path), error=str(e))
    except RecursionError:
        return Outcome(str(path), error=f'{path}: nested too deeply for mmmigrate to rewrite; '
                       'the file is left untouched')
    except Exception as e:  # a bug of ours: report it with the file, keep going
        return Outcome(str(path), error=f'{path}: internal error ({type(e).__name__}: {e}); '
                       'please report it with this file')
    new_source = _keep_newlines(result.source, result.new_source)
    changed = new_source != result.source  # line ends restored: the same text is no change
    encoding = converter.tree.file(path).encoding
    try:  # written back in the file's own encoding (a BOM stays)
        new_data = None if encoding == 'utf-8' else new_source.encode(encoding)
    except UnicodeEncodeError as e:
        return Outcome(str(path), error=f'{path}: the converted text cannot be written in the '
                       f"file's encoding {encoding} ({e.reason}); the file is left untouched")
    return Outcome(str(path), changed, result.converted_keys, result.findings,
                   old_source=result.source, new_source=new_source, new_data=new_data)


def _content(outcome: Outcome):
    return outcome.new_data if outcome.new_data is not None else outcome.new_source


def convert_sources(paths: List[Path], jobs: int = 1,
                    plan: Optional[WritePlan] = None, progress=None) -> List[Outcome]:
    """``mmmigrate convert``: Python sources through the codemods, config
    files found among them through the config converter, files that never
    mention mmcv skipped after one read."""
    from .class_index import ClassIndex
    from .source_file import expected_cost, looks_like_config, mentions_mmcv, set_class_index
    if plan is not None:
        plan.prepare(paths)
    configs, sources, outcomes = [], [], {}
    costs: Dict[str, int] = {}
    index = ClassIndex()  # the tree's classes, for bases defined in other files
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as e:
            outcomes[str(path)] = Outcome(str(path), error=f'{path}: cannot read ({e})')
            continue
        if not data.strip():
            outcomes[str(path)] = Outcome(str(path), skipped=True, findings=[Finding(
                'empty-file', 'info', 'file', 'empty file: nothing to convert', file=str(path))])
        elif looks_like_config(path, data):
            configs.append(path)
        elif mentions_mmcv(data):
            sources.append(str(path))
            costs[str(path)] = expected_cost(data)
        else:
            outcomes[str(path)] = Outcome(str(path), skipped=True)
        index.add(data)
        skipped = outcomes.get(str(path))
        if skipped is not None:
            if progress is not None:
                progress.advance()
            if not skipped.error and plan is not None and plan.out_dir is not None:
                _copy_unchanged(skipped, data, plan)
    for outcome in convert_paths(configs, False, jobs, plan, progress) if configs else []:
        outcomes[outcome.path] = outcome
    index.finish()
    set_class_index(index)  # forked workers inherit it
    try:
        converted = _convert_sources(sources, costs, jobs, plan, progress)
    finally:
        set_class_index(None)
    outcomes.update((o.path, o) for o in converted)
    return [outcomes[str(p)] for p in paths]


def _convert_sources(sources: List[str], costs: Dict[str, int], jobs: int,
                     plan: Optional[WritePlan], progress) -> List[Outcome]:
    from .source_file import warm_up
    if jobs > 1 and len(sources) >= 2 * jobs:
        try:
            context = multiprocessing.get_context('fork')
            warm_up()  # once here rather than once per worker
        except ValueError:
            context = None
        # the costliest first, in small chunks: the workers finish together
        ordered = sorted(sources, key=costs.__getitem__, reverse=True)
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            chunk = max(1, len(sources) // (jobs * 32))
            converted = _advancing(pool.map(functools.partial(_convert_source_one, plan=plan),
                                            ordered, chunksize=chunk), progress)
    else:
        converted = _advancing((_convert_source_one(p, plan) for p in sources), progress)
    return converted


def _advancing(outcomes, progress) -> List[Outcome]:
    out = []
    for outcome in outcomes:
        out.append(outcome)
        if progress is not None:
            progress.advance()
    return out


def _copy_unchanged(outcome: Outcome, data: bytes, plan: WritePlan) -> None:
    """A file with nothing to convert still belongs to the mirrored tree."""
    target = plan.target(outcome)
    try:
        write_atomically(target, data, Path(outcome.path), plan.out_dir)
    except OSError as e:
        outcome.error = f'{target}: cannot write ({e.strerror or e})'


def _convert_source_one(path: str, plan: Optional[WritePlan]) -> Outcome:
    from .source_file import convert_source
    try:
        result = convert_source(Path(path))
    except Exception as e:  # a bug of ours: report it with the file, keep going
        return Outcome(path, error=f'{path}: internal error ({type(e).__name__}: {e}); '
                       'please report it with this file')
    if result.error:
        return Outcome(path, error=result.error)
    old, new = (d.decode('utf-8', errors='replace') for d in (result.data, result.new_data))
    outcome = Outcome(path, result.changed, result.moved, result.findings, old_source=old,
                      new_source=new, new_data=result.new_data, kind='source')
    target = plan.target(outcome) if plan is not None else None
    if target is not None:
        try:
            write_atomically(target, result.new_data, Path(path), plan.out_dir)
        except OSError as e:
            outcome.error = f'{target}: cannot write ({e.strerror or e})'
    return outcome


def _keep_newlines(original: str, new: str) -> str:
    if '\r\n' in original:  # new lines written by us get the file's style too
        return new.replace('\r\n', '\n').replace('\n', '\r\n')
    if '\r' in original and '\n' not in original:  # classic Mac OS line ends
        return new.replace('\n', '\r')
    return new


def write_atomically(path: Path, text, source: Optional[Path] = None,
                     within: Optional[Path] = None) -> None:
    """Write ``text`` (str, UTF-8; or bytes, as they are) to ``path``
    through a temporary file and a rename: a crash never leaves a truncated
    file where the old one was (and a temporary file such a crash left is
    removed). An existing ``path`` keeps its mode; a new one gets the mode
    ``open()`` would give it under the umask, plus the executable bits of
    ``source`` (the file it was converted or copied from) that the umask
    allows, as ``cp`` does.

    A symlink converted in place is written through (the link stays). A
    read-only file is not written. With ``within`` (an output folder),
    nothing is written outside it, symlinks in it are not followed."""
    if path.is_symlink() and within is None:
        path = path.resolve()
    if within is not None:
        root, parent = within.resolve(), path.parent.resolve()
        if path.is_symlink() or (parent != root and root not in parent.parents):
            raise OSError(errno.EPERM, f'a symlink leads out of {within}; not followed')
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except OSError:
        umask = _umask()
        mode = 0o666 & ~umask
        try:
            if source is not None:
                mode |= source.stat().st_mode & 0o111 & ~umask
        except OSError:  # '<stdin>', or a source gone since it was read
            pass
    else:
        if not mode & 0o222:
            raise OSError(errno.EACCES, 'read-only; make it writable, or write elsewhere with '
                          '-o/--out-dir')
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.',
                                         suffix='.tmp')
    try:
        with os.fdopen(handle, 'wb') as f:
            os.fchmod(f.fileno(), mode)  # mkstemp makes it 0o600
            f.write(text if isinstance(text, bytes) else text.encode('utf-8'))
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


_TEMPORARY = re.compile(r'\..+\.py\.[a-z0-9_]{8}\.tmp')


def _remove_stale_temporaries(folders) -> None:
    """Delete the temporary files (``.NAME.py.XXXXXXXX.tmp``) that a run
    killed while writing left in ``folders``; called before this run
    writes anything, so none of them is one of its own."""
    for folder in folders:
        if folder.is_dir():
            for stale in folder.glob('.*.py.*.tmp'):
                if _TEMPORARY.fullmatch(stale.name):  # mkstemp's 8 random characters
                    stale.unlink(missing_ok=True)


def _umask() -> int:
    # Linux shows the umask in /proc; setting it to read it back elsewhere
    # would briefly change it for the writer threads too. (The engine has
    # the same few lines: the codemod may not import it, it imports torch.)
    try:
        with open('/proc/self/status') as status:
            for line in status:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def report_text(outcomes: List[Outcome], stream=sys.stdout, verbose: bool = False) -> None:
    """Per file: keys converted, warnings and errors (infos too when
    ``verbose``); then the infos counted by rule, and a summary line."""
    totals = dict(files=len(outcomes), changed=0, keys=0, flagged=0, errors=0,
                  skipped=sum(o.skipped for o in outcomes))
    infos: dict = {}
    for outcome in outcomes:
        if outcome.error:
            totals['errors'] += 1
            print(f'{outcome.error}', file=stream)
            continue
        flagged = [f for f in outcome.findings if f.severity != 'info']
        totals['changed'] += outcome.changed
        totals['keys'] += len(outcome.converted_keys)
        totals['flagged'] += len(flagged)
        if outcome.changed or flagged:
            what = 'names moved' if outcome.kind == 'source' else 'keys converted'
            print(f'{outcome.path}: {len(outcome.converted_keys)} {what}, '
                  f'{len(flagged)} flagged', file=stream)
        for finding in outcome.findings:
            if finding.severity == 'info' and not verbose:
                infos[finding.rule] = infos.get(finding.rule, 0) + 1
                continue
            where = f'{outcome.path}:{finding.line}' if finding.line else outcome.path
            print(f'  {where}: {finding.severity} [{finding.rule}] {finding.message}',
                  file=stream)
    if infos:
        print('notes (see docs/; -v lists them): ' + ', '.join(
            f'{rule} x{count}' for rule, count in sorted(infos.items())), file=stream)
    skipped = f' ({totals["skipped"]} skipped: no mmcv)' if totals['skipped'] else ''
    print(f'{totals["files"]} files{skipped}, {totals["changed"]} converted, {totals["keys"]} '
          f'keys converted, {totals["flagged"]} flagged, {totals["errors"]} not readable',
          file=stream)


def report_json(outcomes: List[Outcome], stream=sys.stdout) -> None:
    files = []
    for outcome in outcomes:
        files.append(dict(path=outcome.path, changed=outcome.changed, error=outcome.error,
                          converted_keys=outcome.converted_keys,
                          flagged=sum(f.severity != 'info' for f in outcome.findings),
                          findings=[f.as_dict() for f in outcome.findings],
                          seconds=round(outcome.seconds, 4)))
    summary = dict(files=len(files), skipped=sum(o.skipped for o in outcomes),
                   changed=sum(f['changed'] for f in files),
                   keys_converted=sum(len(f['converted_keys']) for f in files),
                   flagged=sum(f['flagged'] for f in files),
                   errors=sum(f['error'] is not None for f in files))
    json.dump(dict(summary=summary, files=files), stream, indent=2)
    stream.write('\n')
