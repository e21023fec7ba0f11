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
  and the other helpers of §3.4.

What has no safe rewrite (a generic method reading the batch index, the
log buffer's output, ``runner.meta``) is left as it is with a finding.
"""
from typing import Dict, List, Set

import libcst as cst

from ..translate.values import Finding
from .edits import dotted
from .positions import LineResolver

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
RUNNER_TO_PARAMETER = {'inner_iter': 'batch_idx', 'outputs': 'outputs',
                       'data_batch': 'data_batch'}
HELPERS = {'every_n_iters': 'every_n_train_iters', 'is_last_epoch': 'is_last_train_epoch',
           'is_last_iter': 'is_last_train_iter'}


def _is_hook_class(node: cst.ClassDef) -> bool:
    for base in node.bases:
        value = base.value
        name = value.attr.value if isinstance(value, cst.Attribute) else \
            value.value if isinstance(value, cst.Name) else ''
        if name.endswith('Hook'):
            return True
    return any('HOOKS' in cst.Module([]).code_for_node(d.decorator) for d in node.decorators)


def _parameter_names(function: cst.FunctionDef) -> List[str]:
    return [p.name.value for p in function.params.params]


class HookInterface(cst.CSTTransformer):

    def __init__(self, lines: LineResolver):
        super().__init__()
        self._lines = lines
        self.findings: List[Finding] = []
        self.changes: List[str] = []
        self._classes: List[bool] = []  # inside a hook class?
        self._scope: List[Set[str]] = []  # parameters of the enclosing hook method
        self._method: List[str] = []

    # -- scopes -----------------------------------------------------------

    def visit_ClassDef(self, node) -> bool:
        self._classes.append(_is_hook_class(node))
        return True

    # Outside hook classes there is nothing to do: skip those subtrees (most
    # of a file), which keeps the transform cheap.
    def visit_SimpleStatementLine(self, node) -> bool:
        return self._in_hook()

    def leave_ClassDef(self, original, updated):
        is_hook = self._classes.pop()
        if not is_hook:
            return updated
        return self._add_specific_points(updated)

    def visit_FunctionDef(self, node) -> bool:
        if not (self._classes and self._classes[-1]):
            self._method.append('')
            self._scope.append(set())
            return False  # a function outside hook classes
        in_hook_method = bool(self._classes) and self._classes[-1] and not self._method
        name = node.name.value if in_hook_method else ''
        params = set(_parameter_names(node))
        if name in NEW_PARAMETERS and _parameter_names(node)[:2] == ['self', 'runner']:
            params |= {p for p, _ in NEW_PARAMETERS[name]}
        self._method.append(name)
        self._scope.append(params if in_hook_method else set())
        return True

    def leave_FunctionDef(self, original, updated):
        name = self._method.pop()
        self._scope.pop()
        if name not in NEW_PARAMETERS:
            return updated
        params = _parameter_names(updated)
        if params == ['self', 'runner']:
            tight = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(''),
                                    whitespace_after=cst.SimpleWhitespace(''))
            extra = [cst.Param(name=cst.Name(p)) if d is None else
                     cst.Param(name=cst.Name(p), default=cst.Name(d), equal=tight)
                     for p, d in NEW_PARAMETERS[name]]
            self.changes.append(name)
            return updated.with_changes(params=updated.params.with_changes(
                params=[*updated.params.params, *extra]))
        if params[:2] == ['self', 'runner'] and not set(params[2:]) >= {
                p for p, _ in NEW_PARAMETERS[name]}:
            self._find(original, 'hook-signature-custom', name,
                       f'{name}{tuple(params)} does not take MMEngine\'s arguments '
                       f'({", ".join(p for p, _ in NEW_PARAMETERS[name])}, passed by keyword); '
                       'add them')
        return updated

    # -- runner internals ---------------------------------------------------

    def leave_Attribute(self, original, updated):
        if not self._in_hook():
            return updated
        if isinstance(updated.value, cst.Name) and updated.value.value == 'runner':
            attr = updated.attr.value
            replacement = RUNNER_TO_PARAMETER.get(attr)
            if replacement is not None:
                if replacement in self._scope[-1]:
                    self.changes.append(f'runner.{attr}')
                    return cst.Name(replacement)
                self._find(original, 'hook-runner-attribute', f'runner.{attr}',
                           f'runner.{attr} does not exist in MMEngine; it is the '
                           f'`{replacement}` argument of the iteration hook points, which '
                           f'{self._method[-1] or "this function"} does not receive')
            elif attr == 'optimizer':
                self.changes.append('runner.optimizer')
                return updated.with_changes(attr=cst.Name('optim_wrapper'))
            elif attr == 'mode':
                self._find(original, 'hook-runner-mode', 'runner.mode',
                           "runner.mode does not exist in MMEngine: the hook point says it "
                           "(after_train_* / after_val_*), or "
                           "runner.message_hub.get_info('loop_stage')")
            elif attr == 'meta':
                self._find(original, 'hook-runner-meta', 'runner.meta',
                           'runner.meta does not exist in MMEngine; hook messages go through '
                           'runner.message_hub.update_info / get_info')
            elif attr == 'data_loader':
                method = self._method[-1]
                loader = 'val_dataloader' if '_val_' in method else 'train_dataloader' \
                    if '_train_' in method else None
                if loader:
                    self.changes.append('runner.data_loader')
                    return updated.with_changes(attr=cst.Name(loader))
                self._find(original, 'hook-runner-attribute', 'runner.data_loader',
                           'runner.data_loader: use runner.train_dataloader or '
                           'runner.val_dataloader')
        return updated

    def leave_Call(self, original, updated):
        if not self._in_hook():
            return updated
        func = updated.func
        # self.every_n_iters(runner, n) and friends
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and \
                func.value.value == 'self':
            name = func.attr.value
            if name in HELPERS:
                self.changes.append(name)
                return updated.with_changes(func=func.with_changes(attr=cst.Name(HELPERS[name])))
            if name in ('every_n_inner_iters', 'end_of_epoch'):
                return self._batch_helper(original, updated, name)
        # runner.log_buffer.update({...}[, n])
        if dotted(func) == 'runner.log_buffer.update':
            return self._log_buffer_update(original, updated)
        return updated

    def leave_Subscript(self, original, updated):
        if self._in_hook() and dotted(updated.value) == 'runner.log_buffer.output':
            self._find(original, 'hook-log-buffer-output', 'runner.log_buffer.output',
                       'runner.log_buffer.output does not exist in MMEngine: read metrics '
                       'from the `metrics` argument of after_val_epoch, or '
                       'runner.message_hub.get_scalar(key).current()')
        return updated

    def _batch_helper(self, original, updated, name: str):
        if 'batch_idx' not in self._scope[-1]:
            self._find(original, 'hook-helper-needs-batch-idx', name,
                       f'self.{name}(runner, ...) takes the batch index in MMEngine, which '
                       f'{self._method[-1] or "this function"} does not receive')
            return updated
        args = list(updated.args)
        if not args:
            return updated
        self.changes.append(name)
        if name == 'every_n_inner_iters':
            new_first = cst.Arg(value=cst.Name('batch_idx'), comma=args[0].comma)
            return updated.with_changes(args=[new_first, *args[1:]])
        loader = 'val_dataloader' if '_val_' in self._method[-1] else 'train_dataloader'
        return updated.with_changes(args=[
            cst.Arg(value=cst.Attribute(value=cst.Name('runner'), attr=cst.Name(loader)),
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(' '))),
            cst.Arg(value=cst.Name('batch_idx'))])

    def _log_buffer_update(self, original, updated):
        args = list(updated.args)
        mode = 'val' if '_val_' in (self._method[-1] or '') else 'train'
        if not args or not isinstance(args[0].value, cst.Dict) or any(
                not isinstance(e, cst.DictElement) or not isinstance(e.key, cst.SimpleString)
                for e in args[0].value.elements):
            self._find(original, 'hook-log-buffer', 'runner.log_buffer.update',
                       'runner.log_buffer.update(...): write each value with '
                       f"runner.message_hub.update_scalar('{mode}/<key>', value)")
            return updated
        elements = []
        for element in args[0].value.elements:
            quote = element.key.value[0]
            key = element.key.value[1:-1]
            elements.append(element.with_changes(
                key=cst.SimpleString(f'{quote}{mode}/{key}{quote}')))
        if len(args) > 1:
            self._find(original, 'hook-log-buffer-count', 'runner.log_buffer.update',
                       'the count argument of log_buffer.update is dropped: MMEngine smooths '
                       'logged values by a plain window mean, not weighted by samples')
        self.changes.append('runner.log_buffer.update')
        return updated.with_changes(
            func=cst.parse_expression('runner.message_hub.update_scalars'),
            args=[args[0].with_changes(value=args[0].value.with_changes(elements=elements),
                                       comma=cst.MaybeSentinel.DEFAULT)])

    # -- generic points -------------------------------------------------------

    def _add_specific_points(self, node: cst.ClassDef) -> cst.ClassDef:
        defined = {s.name.value for s in node.body.body if isinstance(s, cst.FunctionDef)}
        added = []
        for generic, specifics in GENERIC.items():
            if generic not in defined:
                continue
            for specific in specifics:
                if specific in defined:
                    continue
                params = ', '.join(['self', 'runner'] + [
                    p if d is None else f'{p}={d}' for p, d in NEW_PARAMETERS.get(specific, ())])
                added.append(cst.parse_statement(
                    f'def {specific}({params}):\n'
                    f'    # MMCV called {generic} here; MMEngine does not\n'
                    f'    self.{generic}(runner)\n').with_changes(leading_lines=[cst.EmptyLine(indent=False)]))
        if not added:
            return node
        self.changes.extend(s.name.value for s in added)
        return node.with_changes(body=node.body.with_changes(body=[*node.body.body, *added]))

    # -- helpers ------------------------------------------------------------

    def _in_hook(self) -> bool:
        return bool(self._classes) and self._classes[-1] and bool(self._method)

    def _find(self, node, rule: str, key: str, message: str) -> None:
        self.findings.append(self._lines.finding(node, rule, 'warning', key, message))


def adapt_hooks(module: cst.Module, tree=None) -> Dict[str, object]:
    """Apply the transform to a parsed module: {'module', 'findings', 'changes'}.

    With ``tree`` (the stdlib parse of the same text) showing that every
    hook class is a top-level statement, only those classes are visited;
    the rest of the file is not walked at all."""
    lines = LineResolver(module)
    transformer = HookInterface(lines)
    if tree is not None and not _nested_hook_classes(tree):
        body, changed = [], False
        for statement in module.body:
            if isinstance(statement, cst.ClassDef) and _is_hook_class(statement):
                new = statement.visit(transformer)
                changed = changed or new is not statement
                body.append(new)
            else:
                body.append(statement)
        new_module = module.with_changes(body=body) if changed else module
    else:
        new_module = module.visit(transformer)
    lines.resolve()
    return dict(module=new_module, findings=transformer.findings, changes=transformer.changes)


def _nested_hook_classes(tree) -> bool:
    """Whether a class that may be a hook is defined below the top level."""
    import ast
    top = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and id(node) not in top:
            names = [ast.unparse(b) for b in node.bases] + \
                [ast.unparse(d) for d in node.decorator_list]
            if any(n.endswith('Hook') or 'HOOKS' in n for n in names):
                return True
    return False
