"""MMCV ``Hook`` subclasses -> MMEngine's hook interface (CATALOGUE §3.3-§3.5).

- Iteration and epoch points get MMEngine's arguments
  (``after_train_iter(self, runner)`` -> ``after_train_iter(self, runner,
  batch_idx, data_batch=None, outputs=None)``; MMEngine passes them by
  keyword, so the old signature raises a TypeError there).
- Generic ``before_iter`` / ``after_epoch`` / ... , which MMCV called for
  train and val and MMEngine never calls, get explicit train and val
  methods that call them, as MMCV's defaults did.
- Runner internals and helpers move: ``runner.inner_iter`` -> ``batch_idx``,
  ``runner.outputs`` -> ``outputs``, ``runner.data_batch`` ->
  ``data_batch``, ``runner.optimizer`` -> ``runner.optim_wrapper``,
  ``runner.log_buffer.update({...})`` -> ``runner.message_hub.update_scalars``,
  ``self.every_n_iters(runner, n)`` -> ``self.every_n_train_iters(runner, n)``
  and the other helpers of §3.4, unless the class (or a base in the same
  file) defines the helper itself: its override keeps being the one called.

What has no safe rewrite (a generic method reading the batch index, the
log buffer's output, ``runner.meta``) is left as it is with a finding.
The edits are spliced into the text (``text_edits``); a hook class is any
class whose base name ends in ``Hook`` or that ``HOOKS`` registers.
"""
import ast
import functools
import re
from typing import Dict, List, Set

from ...rules import load_pack
from ..translate.values import Finding
from .text_edits import TextEdits, dotted_name, statements_with_parents

# MMEngine's extra parameters per hook point, as (name, default) pairs.
_ITER = (('batch_idx', None), ('data_batch', 'None'))
NEW_PARAMETERS = {
    'before_train_iter': _ITER, 'before_val_iter': _ITER, 'before_test_iter': _ITER,
    'after_train_iter': _ITER + (('outputs', 'None'), ),
    'after_val_iter': _ITER + (('outputs', 'None'), ),
    'after_test_iter': _ITER + (('outputs', 'None'), ),
    'after_val_epoch': (('metrics', 'None'), ), 'after_test_epoch': (('metrics', 'None'), ),
}
# MMCV's generic points and the specific ones whose default body called them.
GENERIC = {
    'before_iter': ('before_train_iter', 'before_val_iter'),
    'after_iter': ('after_train_iter', 'after_val_iter'),
    'before_epoch': ('before_train_epoch', 'before_val_epoch'),
    'after_epoch': ('after_train_epoch', 'after_val_epoch'),
}
# runner attribute -> the method parameter that replaces it
# runner.X uses this module reports or rewrites on their own
HANDLED_ELSEWHERE = {'log_buffer', 'optimizer', 'mode', 'meta', 'data_loader'}


@functools.lru_cache(maxsize=None)
def _mmengine_runner_attributes() -> frozenset:
    """MMEngine 0.10.7 Runner's public attributes (rules/runner_attributes.yaml)."""
    return frozenset(load_pack('runner_attributes')['attributes'])


RUNNER_TO_PARAMETER = {'inner_iter': 'batch_idx', 'outputs': 'outputs',
                       'data_batch': 'data_batch'}
HELPERS = {'every_n_iters': 'every_n_train_iters', 'is_last_epoch': 'is_last_train_epoch',
           'is_last_iter': 'is_last_train_iter'}
# a string literal that is one plain quoted word, as log buffer keys are
_PLAIN_STRING = re.compile(r"""^(['"])(?:(?!\1)[^\\\n])*\1$""")
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _base_name(base) -> str:
    return base.attr if isinstance(base, ast.Attribute) else \
        base.id if isinstance(base, ast.Name) else ''


def _is_hook_class(node: ast.ClassDef, edits: TextEdits, index=None) -> bool:
    """A base named ``...Hook``, registration in ``HOOKS``, or a base the
    tree's class index knows as a hook (defined in another file)."""
    for base in node.bases:
        name = _base_name(base)
        if name.endswith('Hook') or index is not None and name in index.hooks:
            return True
    return any('HOOKS' in edits.segment(d) for d in node.decorator_list)


def _parameter_names(function) -> List[str]:
    return [a.arg for a in function.args.args]


def _methods(body: list):
    """The functions defined in a class body (also under ``if`` / ``try``)."""
    for statement in body:
        if isinstance(statement, _FUNCTIONS):
            yield statement
        elif not isinstance(statement, ast.ClassDef):
            for field in ('body', 'orelse', 'finalbody', 'handlers'):
                inner = getattr(statement, field, None)
                if isinstance(inner, list):
                    yield from _methods(inner)


class _HookInterface:

    def __init__(self, edits: TextEdits):
        self._edits = edits
        self.findings: List[Finding] = []
        self.changes: List[str] = []
        self._own_methods: Set[str] = set()

    def hook_class(self, node: ast.ClassDef, own_methods: Set[str] = frozenset()) -> None:
        """``own_methods``: what the class and its bases in the same file
        define; a helper call the class overrides keeps its name."""
        self._own_methods = set(own_methods)
        for method in _methods(node.body):
            name = method.name
            params = set(_parameter_names(method))
            if name in NEW_PARAMETERS and _parameter_names(method)[:2] == ['self', 'runner']:
                params |= {p for p, _ in NEW_PARAMETERS[name]}
            self._body(method, name, params)
            if name in NEW_PARAMETERS:
                self._signature(method)
        self._add_specific_points(node)

    # -- the code of a hook method ----------------------------------------------

    def _body(self, function, method: str, scope: Set[str]) -> None:
        """Rewrite runner internals in ``function`` (a hook method, or with
        ``method`` '' and an empty scope, a function nested in one)."""
        pending = list(ast.iter_child_nodes(function))[::-1]  # popped in source order
        while pending:
            node = pending.pop()
            children = list(ast.iter_child_nodes(node))
            if isinstance(node, ast.ClassDef):
                continue  # a class of its own: a hook class is handled as one
            if isinstance(node, _FUNCTIONS):
                self._body(node, '', set())
                continue
            if isinstance(node, ast.Attribute):
                if self._runner_attribute(node, method, scope):
                    continue
            elif isinstance(node, ast.Call):
                rewritten = self._call(node, method, scope)
                children = [c for c in children if c not in rewritten]
            elif isinstance(node, ast.Subscript) and \
                    dotted_name(node.value) == 'runner.log_buffer.output':
                self._find(node, 'hook-log-buffer-output', 'runner.log_buffer.output',
                           'runner.log_buffer.output does not exist in MMEngine: read metrics '
                           'from the `metrics` argument of after_val_epoch, or '
                           'runner.message_hub.get_scalar(key).current()')
            pending.extend(reversed(children))

    def _runner_attribute(self, node: ast.Attribute, method: str, scope: Set[str]) -> bool:
        """Rewrite or report ``runner.X``; True when the node was replaced."""
        if not (isinstance(node.value, ast.Name) and node.value.id == 'runner'):
            return False
        attr = node.attr
        replacement = RUNNER_TO_PARAMETER.get(attr)
        if replacement is not None:
            if replacement in scope:
                self.changes.append(f'runner.{attr}')
                self._edits.replace_node(node, replacement)
                return True
            self._find(node, 'hook-runner-attribute', f'runner.{attr}',
                       f'runner.{attr} does not exist in MMEngine; it is the '
                       f'`{replacement}` argument of the iteration hook points, which '
                       f'{method or "this function"} does not receive')
        elif attr == 'optimizer':
            self.changes.append('runner.optimizer')
            self._edits.replace_node(node, 'runner.optim_wrapper')
            return True
        elif attr == 'mode':
            self._find(node, 'hook-runner-mode', 'runner.mode',
                       "runner.mode does not exist in MMEngine: the hook point says it "
                       "(after_train_* / after_val_*), or "
                       "runner.message_hub.get_info('loop_stage')")
        elif attr == 'meta':
            self._find(node, 'hook-runner-meta', 'runner.meta',
                       'runner.meta does not exist in MMEngine; hook messages go through '
                       'runner.message_hub.update_info / get_info')
        elif attr == 'data_loader':
            loader = 'val_dataloader' if '_val_' in method else 'train_dataloader' \
                if '_train_' in method else None
            if loader:
                self.changes.append('runner.data_loader')
                self._edits.replace_node(node, f'runner.{loader}')
                return True
            self._find(node, 'hook-runner-attribute', 'runner.data_loader',
                       'runner.data_loader: use runner.train_dataloader or '
                       'runner.val_dataloader')
        elif attr not in _mmengine_runner_attributes() and attr not in HANDLED_ELSEWHERE and \
                not attr.startswith('_'):
            self._find(node, 'hook-runner-unknown-attribute', f'runner.{attr}',
                       f"runner.{attr} is not an attribute of MMEngine's Runner (a custom "
                       "runner's, or MMCV's): keep the value elsewhere (the hook itself, "
                       'runner.message_hub, or a custom loop)')
        return False

    def _call(self, node: ast.Call, method: str, scope: Set[str]) -> list:
        """Rewrite or report a helper call; the parts it replaced."""
        func = node.func
        # self.every_n_iters(runner, n) and friends
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and \
                func.value.id == 'self':
            name = func.attr
            if name in HELPERS and name not in self._own_methods:
                self.changes.append(name)
                self._edits.replace_node(func, f'self.{HELPERS[name]}')
                return [func]
            if name in ('every_n_inner_iters', 'end_of_epoch'):
                return self._batch_helper(node, name, method, scope)
        # runner.log_buffer.update({...}[, n])
        elif dotted_name(func) == 'runner.log_buffer.update':
            return self._log_buffer_update(node, method)
        return []

    def _batch_helper(self, node: ast.Call, name: str, method: str, scope: Set[str]) -> list:
        if 'batch_idx' not in scope:
            self._find(node, 'hook-helper-needs-batch-idx', name,
                       f'self.{name}(runner, ...) takes the batch index in MMEngine, which '
                       f'{method or "this function"} does not receive')
            return []
        args = sorted(node.args + node.keywords, key=lambda a: (a.lineno, a.col_offset))
        if not args:
            return []
        self.changes.append(name)
        if name == 'every_n_inner_iters':
            self._edits.replace_node(args[0], 'batch_idx')
            return args[:1]
        loader = 'val_dataloader' if '_val_' in method else 'train_dataloader'
        start, end = self._edits.span(args[0])[0], self._edits.span(args[-1])[1]
        self._edits.replace(start, end, f'runner.{loader}, batch_idx')
        return args

    def _log_buffer_update(self, node: ast.Call, method: str) -> list:
        mode = 'val' if '_val_' in method else 'train'
        values = node.args[0] if node.args else None
        keys = values.keys if isinstance(values, ast.Dict) else ()
        if not isinstance(values, ast.Dict) or node.keywords or any(
                key is None or not _PLAIN_STRING.match(self._edits.segment(key))
                for key in keys):
            self._find(node, 'hook-log-buffer', 'runner.log_buffer.update',
                       'runner.log_buffer.update(...): write each value with '
                       f"runner.message_hub.update_scalar('{mode}/<key>', value)")
            return []
        if len(node.args) > 1:
            self._find(node, 'hook-log-buffer-count', 'runner.log_buffer.update',
                       'the count argument of log_buffer.update is dropped: MMEngine smooths '
                       'logged values by a plain window mean, not weighted by samples')
        self.changes.append('runner.log_buffer.update')
        self._edits.replace_node(node.func, 'runner.message_hub.update_scalars')
        for key in keys:
            quoted = self._edits.segment(key)
            self._edits.replace_node(key, f'{quoted[0]}{mode}/{quoted[1:]}')
        # the count (and a trailing comma) go; the closing parenthesis stays
        self._edits.replace(self._edits.span(values)[1], self._edits.span(node)[1] - 1, '')
        return [node.func, *node.args[1:]]

    # -- signatures -------------------------------------------------------------

    def _signature(self, method) -> None:
        name = method.name
        params = _parameter_names(method)
        wanted = NEW_PARAMETERS[name]
        if params == ['self', 'runner']:
            runner = method.args.args[1]
            defaults = method.args.defaults
            after = defaults[-1] if defaults else runner
            extra = ''.join(f', {p}' if d is None else f', {p}={d}' for p, d in wanted)
            self._edits.insert(self._edits.span(after)[1], extra)
            self.changes.append(name)
        elif params[:2] == ['self', 'runner'] and not set(params[2:]) >= {p for p, _ in wanted}:
            self._find(method, 'hook-signature-custom', name,
                       f'{name}{tuple(params)} does not take MMEngine\'s arguments '
                       f'({", ".join(p for p, _ in wanted)}, passed by keyword); add them')

    # -- generic points -------------------------------------------------------

    def _add_specific_points(self, node: ast.ClassDef) -> None:
        defined = {s.name for s in node.body if isinstance(s, _FUNCTIONS)}
        added = []
        for generic, specifics in GENERIC.items():
            if generic in defined:
                added += [(generic, specific) for specific in specifics
                          if specific not in defined]
        if not added:
            return
        edits = self._edits
        indent = edits.indent(node.body[0]) or ''
        unit = _indent_unit(edits, node, indent)
        nl = edits.newline
        text = ''
        for generic, specific in added:
            params = ', '.join(['self', 'runner'] + [
                p if d is None else f'{p}={d}' for p, d in NEW_PARAMETERS.get(specific, ())])
            text += (f'{nl}{nl}{indent}def {specific}({params}):'
                     f'{nl}{indent}{unit}# MMCV called {generic} here; MMEngine does not'
                     f'{nl}{indent}{unit}self.{generic}(runner)')
            self.changes.append(specific)
        edits.insert(edits.line_end(node.body[-1].end_lineno), text)

    # -- helpers ------------------------------------------------------------

    def _find(self, node, rule: str, key: str, message: str) -> None:
        self.findings.append(Finding(rule, 'warning', key, message, line=node.lineno))


def _indent_unit(edits: TextEdits, node: ast.ClassDef, indent: str) -> str:
    """One level of indentation, as the class's methods have it."""
    for method in _methods(node.body):
        inner = edits.indent(method.body[0])
        outer = edits.indent(method)
        if inner and outer is not None and inner.startswith(outer) and inner != outer:
            return inner[len(outer):]
    return '\t' if indent.startswith('\t') else '    '


def _defined_methods(node: ast.ClassDef, classes: Dict[str, ast.ClassDef],
                     index=None) -> Set[str]:
    """The methods ``node`` and its bases define, in the same file or (with
    the tree's class index) elsewhere in the tree: a helper a class
    overrides must not be renamed past its override."""
    names: Set[str] = set()
    pending, seen = [node], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        names.update(method.name for method in _methods(current.body))
        pending.extend(classes[base.id] for base in current.bases
                       if isinstance(base, ast.Name) and base.id in classes)
        if index is not None:
            for base in current.bases:
                if _base_name(base) not in classes:
                    names.update(index.methods_of(_base_name(base)))
    return names


def adapt_hooks(text: str, tree: ast.Module, index=None) -> Dict[str, object]:
    """The hook classes of ``text`` (``tree`` is its stdlib parse) adapted:
    {'text', 'findings', 'changes'}. ``index``: the tree's
    :class:`~..class_index.ClassIndex`, for bases in other files."""
    edits = TextEdits(text, tree)
    transform = _HookInterface(edits)
    classes = {node.name: node for node, _ in statements_with_parents(tree.body)
               if isinstance(node, ast.ClassDef)}
    for node, _ in statements_with_parents(tree.body):
        if isinstance(node, ast.ClassDef) and _is_hook_class(node, edits, index):
            transform.hook_class(node, _defined_methods(node, classes, index))
    findings = sorted(transform.findings, key=lambda f: f.line)
    return dict(text=edits.apply(), findings=findings, changes=transform.changes)
