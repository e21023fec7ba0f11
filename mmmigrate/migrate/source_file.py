"""Converts one Python source file (``mmmigrate convert``).

The bytes are read as they are: a UTF-8 byte-order mark and the newline
style survive, files that never mention ``mmcv`` are skipped without
parsing, and a file the tool cannot read safely (not UTF-8, not valid
Python 3, mixed tabs and spaces) is reported and left byte for byte.
"""
import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from .translate.config import LEGACY_KEYS
from .translate.values import Finding

BOM = b'\xef\xbb\xbf'
_TOP_LEVEL_KEY = re.compile(rb'^(\w+)\s*=\s*dict\(', re.M)


@dataclass
class SourceResult:
    path: Path
    data: bytes
    new_data: bytes
    findings: List[Finding] = field(default_factory=list)
    error: Optional[str] = None
    moved: List[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.new_data != self.data


def mentions_mmcv(data: bytes) -> bool:
    """The fast pre-filter: only files that say ``mmcv``, or use MMCV's model
    contract without importing anything from it (``return_loss``, a
    ``train_step`` taking the optimizer), can need a change."""
    return b'mmcv' in data or b'return_loss' in data or b'def train_step' in data


def looks_like_config(path: Path, data: bytes) -> bool:
    """A config file found in a source tree: under a ``configs`` folder,
    with ``_base_``, or assigning two legacy keys at top level."""
    if 'configs' in path.parts or data.startswith(b'_base_') or b'\n_base_ =' in data:
        return True
    keys = {m.decode() for m in _TOP_LEVEL_KEY.findall(data)}
    return len(keys & set(LEGACY_KEYS)) >= 2


def convert_source(path: Path, data: Optional[bytes] = None) -> SourceResult:
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    if not mentions_mmcv(data):
        return SourceResult(path, data, data)
    bom = data.startswith(BOM)
    try:
        text = data[len(BOM) if bom else 0:].decode('utf-8')
    except UnicodeDecodeError as e:
        return SourceResult(path, data, data, error=f'{path}: not UTF-8 (byte {e.start}); '
                            'convert it to UTF-8 first; left untouched')
    tree = _parse(path, text)
    if isinstance(tree, str):
        return SourceResult(path, data, data, error=tree)
    new_text, findings, moved = _transform(text, tree)
    for finding in findings:
        finding.file = str(path)
    if new_text == text:
        return SourceResult(path, data, data, findings)
    try:
        ast.parse(new_text)
    except SyntaxError as e:
        return SourceResult(path, data, data, error=f'{path}: the converted text would not '
                            f'parse (line {e.lineno}: {e.msg}); left untouched, please report it')
    new_data = (BOM if bom else b'') + new_text.encode('utf-8')
    return SourceResult(path, data, new_data, findings, moved=moved)


def _transform(text: str, tree: ast.Module):
    """The codemods in order: hooks and models first (they recognise MMCV's
    classes by their old imports), then the import moves, which drop imports
    the earlier transforms made unused. (new text, findings, what changed)."""
    import libcst as cst  # only for files that need it

    from .codemods.hooks import adapt_hooks
    from .codemods.imports import move_imports, tree_still_fits
    from .codemods.models import adapt_models
    from .codemods.config_reads import find_legacy_config_reads
    from .codemods.runner import convert_runners
    original = module = cst.parse_module(text)
    findings, changes, consumed = [], [], set()
    for needed, transform in ((_RUNNER_WORDS, convert_runners), (_HOOK_WORDS, adapt_hooks),
                              (_MODEL_WORDS, adapt_models),
                              (_CONFIG_READ_WORDS, find_legacy_config_reads)):
        if not (needed.search(text) if hasattr(needed, 'search')
                else any(word in text for word in needed)):
            continue
        result = transform(module, tree) if transform is adapt_hooks else transform(module)
        module = result['module']
        findings += result['findings']
        changes += result['changes']
        consumed |= result.get('consumed', set())
    # lines of import findings are those of the file as it was read
    fits = module is original or tree_still_fits(module, original, tree)
    module, import_findings, moved = move_imports(module, consumed, tree if fits else None)
    return module.code, findings + import_findings, changes + moved


# words a file must contain for each transform to have anything to do
_RUNNER_WORDS = ('Runner', 'build_runner')
_HOOK_WORDS = ('Hook',)
# a config object read by attribute, subscript or get()
_CONFIG_READ_WORDS = re.compile(r'\b(?:cfg|config)\s*[.\[]|\.fromfile\(')
_MODEL_WORDS = ('train_step', 'return_loss', 'auto_fp16', 'force_fp32', 'wrap_fp16_model')


def _parse(path: Path, text: str):
    """The stdlib tree of ``text``, or why Python 3 would not read it."""
    try:
        return compile(text, str(path), 'exec', flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except TabError as e:
        return f'{path}:{e.lineno}: tabs and spaces are mixed in the indentation; left untouched'
    except SyntaxError as e:
        hint = ' (Python 2 code?)' if re.search(r'^\s*print [^(=]', text, re.M) else ''
        return f'{path}:{e.lineno}: not valid Python 3{hint} ({e.msg}); left untouched'
    except ValueError as e:  # null bytes
        return f'{path}: cannot be parsed ({e}); left untouched'
