"""Mutants of real MMCV 1.x configs for fuzzing ``mmmigrate config``.

``make_mutant(corpus_root, leaves, index, seed, out)`` copies one leaf config
and its ``_base_`` chain (relative paths kept) into ``out`` and applies one
mutation to the leaf or to one of its bases. The same (seed, index) always
gives the same mutant. Mutations are what real trees and careless edits
contain: keys deleted, values of another type, values Python computes
(lambdas, f-strings, comprehensions, calls), unknown policies and missing
policy arguments, bases missing / looping / folders / devices, huge numbers,
unicode, other encodings, form feeds, deep nesting, syntax errors, chained
and subscript assignments, ``_delete_``.
"""
import ast
import random
import shutil
from pathlib import Path

from corpus.fetch import chain_of

LEGACY = ('optimizer', 'optimizer_config', 'lr_config', 'momentum_config', 'runner',
          'checkpoint_config', 'log_config', 'evaluation', 'fp16', 'data', 'workflow',
          'total_epochs', 'dist_params', 'train_cfg', 'test_cfg', 'model')
ODD_VALUES = ('[1, 2]', 'None', "'text'", '42', '3.5', 'True', 'dict()', '[dict(a=1)]',
              '(lambda: 1)', "{'a': 1}", "dict(type='X')", '-1', "dict(policy='step')")
COMPUTED = ("(lambda: 1)()", "f'{__name__}'", '[i for i in range(3)]', 'sum([1, 2])',
            'undefined_name * 2', 'copy.deepcopy(x)', "'a' + 'b'", '(1 if True else 2)',
            '{k: 1 for k in "ab"}', 'not_defined.attr', '2 ** 3', '-(-4)', 'abs(-3)')
HUGE = ('10**10**10', '2**4000', '9' * 5000, '1e400', '-1e400', "float('nan')",
        '10**300 * 10**300', '1' + '0' * 400, '(1 << 100000)')
POLICIES = ('Foo', 'step', 'Step', 'poly', 'CosineAnnealing', 'cyclic', 'OneCycle', 'exp',
            'inv', 'Fixed', 'CosineRestart', 'FlatCosineAnnealing', 'LinearAnnealing', '')

# mutants that make any Python (MMCV's own loader too) hang or eat memory:
# the oracles do not load them; mmmigrate must still answer quickly
UNSAFE_TO_LOAD = ('huge_number', 'base_device')


def _assignments(text: str):
    """Top-level single-name assignments: (name, node)."""
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    return [(n.targets[0].id, n) for n in module.body
            if isinstance(n, ast.Assign) and len(n.targets) == 1
            and isinstance(n.targets[0], ast.Name)]


def _replace_span(text: str, node, new: str) -> str:
    lines = text.splitlines(True)
    start = sum(len(line) for line in lines[:node.lineno - 1]) + _col(lines, node.lineno,
                                                                        node.col_offset)
    end = sum(len(line) for line in lines[:node.end_lineno - 1]) + _col(
        lines, node.end_lineno, node.end_col_offset)
    return text[:start] + new + text[end:]


def _col(lines, lineno, byte_offset) -> int:
    return len(lines[lineno - 1].encode('utf-8')[:byte_offset].decode('utf-8', 'replace'))


def _pick(rng, assignments, preferred=LEGACY):
    wanted = [a for a in assignments if a[0] in preferred]
    return rng.choice(wanted or assignments) if assignments else None


def delete_key(text, rng):
    found = _pick(rng, _assignments(text))
    if not found:
        return text, 'nothing to delete'
    name, node = found
    return _replace_span(text, node, 'pass'), f'delete {name}'


def swap_type(text, rng):
    found = _pick(rng, _assignments(text))
    if not found:
        return text, 'nothing to swap'
    value = rng.choice(ODD_VALUES)
    return _replace_span(text, found[1].value, value), f'{found[0]} = {value}'


def _inner_constant(text, rng, kinds=(int, float, str)):
    candidates = []
    for name, node in _assignments(text):
        for inner in ast.walk(node.value):
            if isinstance(inner, ast.Constant) and type(inner.value) in kinds:
                candidates.append((name, inner))
    return rng.choice(candidates) if candidates else None


def computed_value(text, rng):
    found = _inner_constant(text, rng)
    if not found:
        return swap_type(text, rng)
    value = rng.choice(COMPUTED)
    return _replace_span(text, found[1], value), f'a value of {found[0]} -> {value}'


def huge_number(text, rng):
    found = _inner_constant(text, rng, (int, float))
    value = rng.choice(HUGE)
    if not found:
        return text + f'\nmax_epochs = {value}\n', f'max_epochs = {value[:20]}'
    return _replace_span(text, found[1], value), f'a number of {found[0]} -> {value[:20]}'


def _dict_call(text, name):
    for key, node in _assignments(text):
        if key == name and isinstance(node.value, ast.Call) and \
                getattr(node.value.func, 'id', '') == 'dict':
            return node.value
    return None


def policy(text, rng):
    call = _dict_call(text, rng.choice(('lr_config', 'momentum_config')))
    new = rng.choice(POLICIES)
    if call is None:
        extra = rng.choice(('', ', step=[8, 11]', ', power=1.0', ', periods=[10]',
                            ', warmup="linear"', ', warmup="exp", warmup_iters=3'))
        return text + f"\nlr_config = dict(policy='{new}'{extra})\n", f'lr_config {new}{extra}'
    for keyword in call.keywords:
        if keyword.arg == 'policy':
            return _replace_span(text, keyword.value, repr(new)), f'policy -> {new!r}'
    return text, 'no policy'


def drop_argument(text, rng):
    calls = [c for c in (_dict_call(text, k) for k in LEGACY) if c is not None and c.keywords]
    if not calls:
        return delete_key(text, rng)
    call = rng.choice(calls)
    keyword = rng.choice(call.keywords)
    source = ast.get_source_segment(text, call)
    kept = [ast.get_source_segment(text, k) for k in call.keywords if k is not keyword]
    if source is None or None in kept:
        return text, 'no argument dropped'
    return _replace_span(text, call, 'dict(' + ', '.join(kept) + ')'), \
        f'dropped {keyword.arg}'


def bases(text, rng, leaf_name):
    kind = rng.choice(('missing', 'self', 'dir', 'list_missing', 'not_str', 'yaml',
                       'json', 'absolute_missing', 'empty'))
    value = {'missing': "'./does_not_exist.py'", 'self': repr(f'./{leaf_name}'),
             'dir': "'.'", 'list_missing': "['./nope_a.py', './nope_b.py']",
             'not_str': '[1, 2]', 'yaml': "'./base.yaml'", 'json': "'./base.json'",
             'absolute_missing': "'/nonexistent/base.py'", 'empty': '[]'}[kind]
    found = [a for a in _assignments(text) if a[0] == '_base_']
    if found:
        return _replace_span(text, found[0][1].value, value), f'_base_ {kind}'
    return f'_base_ = {value}\n' + text, f'_base_ {kind}'


def base_device(text, rng, leaf_name):
    return "_base_ = '/dev/zero'\n" + text, '_base_ /dev/zero'


def unicode_text(text, rng):
    choice = rng.choice((
        "# Größe: ünïcödé ✓ 中文\n", "名前 = 'ñandú'\n", "work_dir = './工作/ø'\n",
        "note = '\\u2028 line separator inside'\n", "emoji = '🚀'\n"))
    lines = text.splitlines(True)
    at = rng.randrange(len(lines) + 1)
    return ''.join(lines[:at]) + choice + ''.join(lines[at:]), f'unicode line at {at}'


def form_feed(text, rng):
    lines = text.splitlines(True)
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(len(lines) + 1)
        lines.insert(at, '\x0c\n' if rng.random() < 0.5 else '\x0c')
    return ''.join(lines), 'form feeds'


def deep_nesting(text, rng):
    depth = rng.choice((50, 200, 1000))
    inner = rng.choice(('1', 'dict(a=1)'))
    value = 'dict(a=' * depth + inner + ')' * depth if rng.random() < 0.5 else \
        '[' * depth + inner + ']' * depth
    key = rng.choice(('extra', 'model', 'optimizer', 'lr_config'))
    return text + f'\n{key} = {value}\n', f'{key} nested {depth} deep'


def syntax_error(text, rng):
    how = rng.choice(('truncate', 'stray', 'indent', 'unclosed_string'))
    if how == 'truncate':
        return text[:rng.randrange(max(1, len(text)))], 'truncated'
    if how == 'stray':
        return text + '\n)\n', 'stray bracket'
    if how == 'indent':
        return '  ' + text, 'indented first line'
    return text + "\nwork_dir = 'unclosed\n", 'unclosed string'


def chained(text, rng):
    found = _pick(rng, _assignments(text))
    if not found:
        return text, 'nothing to chain'
    name, node = found
    segment = ast.get_source_segment(text, node.value)
    return _replace_span(text, node, f'{name} = alias_{name} = {segment}'), f'{name} chained'


def statements(text, rng):
    extra = rng.choice((
        "lr_config['step'] = [1, 2]\n", "optimizer.update(lr=0.5)\n",
        "work_dir = f'./work_dirs/{runner[\"max_epochs\"]}'\n",
        "runner = dict(type='EpochBasedRunner', max_epochs=total_epochs)\n",
        "checkpoint_config = dict(interval=interval)\ninterval = 5\n",
        "interval = 7\nevaluation = dict(interval=interval, metric='bbox')\n",
        "import copy\noptimizer = copy.deepcopy(optimizer)\n",
        "optimizer = dict(type='SGD', lr=0.1, momentum=0.9)\noptimizer_config = dict("
        "grad_clip=dict(max_norm=35, norm_type=2))\n",
        "fp16 = dict(loss_scale=512.)\n", "fp16 = dict(loss_scale='dynamic', foo=1)\n",
        "runner = dict(_delete_=True, type='IterBasedRunner', max_iters=1000)\n",
        "if True:\n    lr_config = dict(policy='step', step=[3])\n",
        "for _i in range(2):\n    pass\n", "del optimizer\n",
        "evaluation = dict(interval=2, dynamic_intervals=[(10, 1)])\n",
        "train_cfg = dict(rpn=dict(assigner=dict(type='X')))\n",
        "momentum_config = dict(policy='cyclic', target_ratio=(0.85 / 0.95, 1))\n"))
    return text.rstrip('\n') + '\n' + extra, 'appended ' + extra.split('\n')[0][:40]


def delete_flag(text, rng):
    call = _dict_call(text, rng.choice(LEGACY))
    if call is None:
        return statements(text, rng)
    end = _replace_span(text, call, 'dict(_delete_=True, ' +
                        ', '.join(ast.get_source_segment(text, k) or '' for k in call.keywords)
                        + ')')
    return end, '_delete_ added'


def newlines(text, rng):
    style = rng.choice(('\r\n', '\r'))
    return text.replace('\n', style), f'newlines {style!r}'


TEXT_MUTATIONS = (delete_key, swap_type, computed_value, huge_number, policy, drop_argument,
                  unicode_text, form_feed, deep_nesting, syntax_error, chained, statements,
                  delete_flag, newlines)
BASE_MUTATIONS = (bases, base_device)
ENCODINGS = ('latin-1 cookie', 'bom', 'utf-16', 'invalid utf-8', 'cp1252 cookie',
             'bad cookie')


def _encode(text: str, rng):
    kind = rng.choice(ENCODINGS)
    if kind == 'latin-1 cookie':
        return ('# -*- coding: latin-1 -*-\n# café\n' + text).encode('latin-1', 'replace'), kind
    if kind == 'cp1252 cookie':
        return ('# coding: cp1252\n# “quotes”\n' + text).encode('cp1252', 'replace'), kind
    if kind == 'bom':
        return b'\xef\xbb\xbf' + text.encode('utf-8'), kind
    if kind == 'utf-16':
        return text.encode('utf-16'), kind
    if kind == 'bad cookie':
        return ('# coding: no-such-codec\n' + text).encode('utf-8'), kind
    return text.encode('utf-8') + b'\n# \xff\xfe broken\n', kind


def make_mutant(library_root: Path, leaves: list, index: int, seed: int, out: Path) -> dict:
    """Write mutant ``index`` under ``out``; describe it."""
    rng = random.Random(f'{seed}-{index}')
    leaf = rng.choice(leaves)
    chain = chain_of(leaf)
    for path in chain:
        target = out / path.relative_to(library_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    mutated = chain[0] if len(chain) == 1 or rng.random() < 0.75 else rng.choice(chain[1:])
    target = out / mutated.relative_to(library_root)
    text = target.read_text(encoding='utf-8')
    roll = rng.random()
    if roll < 0.08:
        data, what = _encode(text, rng)
        target.write_bytes(data)
        operation = 'encoding'
    else:
        if roll < 0.16:
            mutation = rng.choice(BASE_MUTATIONS)
            text, what = mutation(text, rng, target.name)
        else:
            mutation = rng.choice(TEXT_MUTATIONS)
            text, what = mutation(text, rng)
        operation = mutation.__name__
        target.write_bytes(text.encode('utf-8'))
    return dict(index=index, seed_config=str(leaf.relative_to(library_root)),
                leaf=str(out / chain[0].relative_to(library_root)),
                mutated=str(target), operation=operation, what=what,
                safe_to_load=operation not in UNSAFE_TO_LOAD)
