"""The wrapper a training script puts around its model before the runner
(``model = MMDistributedDataParallel(model, ...)``): the statement goes, and
what it did becomes ``launcher`` and ``model_wrapper_cfg`` for the MMEngine
Runner (``rules/model_wrappers.yaml``). A mixin of
:class:`~.runner.RunnerScripts`, which owns the findings and the names."""
from typing import Optional

import libcst as cst

from ...rules import load_pack
from .edits import dotted
from .script_statements import code_of, single_statement

# model wrapper -> the model_wrapper_cfg type it becomes
MMCV_WRAPPERS = load_pack('model_wrappers')['mmcv']
PROJECT_WRAPPERS = load_pack('model_wrappers')['project']
# a statement the conversion dropped (shared with runner.py)
REMOVED = cst.parse_statement('pass\n')


def wrapper_source(model_wrapper, prefix: str = '', indent: int = 0) -> str:
    """The model_wrapper_cfg value a conversion recorded, as source after
    ``prefix`` (on a line indented ``indent``): on one line, or one option a
    line when that passes column 79."""
    options, template = model_wrapper
    one_line = template.format(f"dict({', '.join(options)})")
    if len(prefix) + len(one_line) <= 79:
        return one_line
    inner = ' ' * (indent + 4)
    return template.format('dict(\n' + ',\n'.join(inner + o for o in options) + ')')


class ModelWrappers:
    """Unwraps the model and records the wrapper on the conversion. The
    class using it provides ``_mmcv``, ``_imported``, ``_find``, ``_line``,
    ``consumed``, ``changes`` and ``wraps_own_step``."""

    def _unwrap_model(self, conversion, body: list, end: int) -> Optional[list]:
        """Drop ``model = MMDataParallel(model, ...)`` /
        ``MMDistributedDataParallel(...)`` before the runner (also one level
        inside ``if``/``else``)."""
        model = conversion.arguments.get('model')
        changed = False
        body = list(body)
        for index in range(end):
            statement = body[index]
            if isinstance(statement, cst.If):
                new = self._unwrap_in_if(conversion, statement, model)
                if new is not None:
                    body[index], changed = new, True
                continue
            wrapper = self._wrapper(statement, model)
            if wrapper is not None:
                kind, inner, kwargs = wrapper
                body[index] = self._unwrapped(statement, inner, model)
                self._record_wrapper(conversion, kind, kwargs, None)
                changed = True
        return body if changed else None

    def _unwrap_in_if(self, conversion, statement: cst.If, model):
        changed = False
        branches = []
        for branch, negate in ((statement, False), (statement.orelse, True)):
            if branch is None or not isinstance(branch.body, cst.IndentedBlock):
                branches.append(None)
                continue
            lines = list(branch.body.body)
            for index, line in enumerate(lines):
                wrapper = self._wrapper(line, model)
                if wrapper is None:
                    continue
                kind, inner, kwargs = wrapper
                lines[index] = self._unwrapped(line, inner, model)
                self._record_wrapper(conversion, kind, kwargs, (code_of(statement.test), negate))
                changed = True
            lines = [line for line in lines if line is not None]
            branches.append(branch.body.with_changes(body=lines) if lines else None)
        if not changed:
            return None
        if branches[0] is None and branches[1] is None:
            return REMOVED
        if branches[0] is None:  # only the else branch keeps statements
            return cst.If(test=cst.UnaryOperation(operator=cst.Not(),
                                                  expression=_parenthesised(statement.test)),
                          body=branches[1], leading_lines=statement.leading_lines)
        new = statement.with_changes(body=branches[0], orelse=None)
        if branches[1] is not None:
            new = new.with_changes(orelse=statement.orelse.with_changes(body=branches[1]))
        return new

    def _wrapper(self, statement, model):
        assign = single_statement(statement, cst.Assign)
        if assign is None or not isinstance(assign.value, cst.Call) or \
                len(assign.targets) != 1 or code_of(assign.targets[0].target) != model:
            return None
        kind = self._mmcv(assign.value.func)
        if kind not in MMCV_WRAPPERS:
            callee = dotted(assign.value.func)
            imported = self._imported.get(callee, (None, None))[1]
            kind = imported if imported in PROJECT_WRAPPERS else None
        if kind is None or not assign.value.args:
            return None
        self.consumed.add(dotted(assign.value.func))
        if kind in PROJECT_WRAPPERS:  # its project import may go (not a library's)
            self.consumed_project.add(dotted(assign.value.func))
        kwargs = {a.keyword.value: code_of(a.value) for a in assign.value.args[1:] if a.keyword}
        return kind, code_of(assign.value.args[0].value), kwargs

    @staticmethod
    def _unwrapped(statement, inner: str, model: str):
        if inner == model:
            return None
        return cst.parse_statement(f'{model} = {inner}\n').with_changes(
            leading_lines=statement.leading_lines)

    def _record_wrapper(self, conversion, kind: str, kwargs: dict, condition) -> None:
        self.changes.append(kind)
        wrapper_type = MMCV_WRAPPERS.get(kind, PROJECT_WRAPPERS.get(kind))
        if wrapper_type is None:
            return
        self.wraps_own_step |= wrapper_type == 'MMSeparateDistributedDataParallel'
        # The Runner passes device_ids=[LOCAL_RANK]; device_ids=None (a CPU
        # model under gloo) means something else and is kept.
        options = [f"type='{wrapper_type}'"] + [f'{k}={v}' for k, v in kwargs.items()
                                                if k != 'device_ids' or v == 'None']
        if condition is None:
            conversion.arguments['launcher'] = "'pytorch'"
            conversion.model_wrapper = (options, '{}')
            return
        test, negate = condition
        on, off = ("'none'", "'pytorch'") if negate else ("'pytorch'", "'none'")
        conversion.arguments['launcher'] = f'{on} if {test} else {off}'
        conversion.model_wrapper = (options, f'{{}} if {test} else None' if not negate else
                                    f'None if {test} else {{}}')
        self._find(self._line, 'runner-launcher', 'info', 'launcher',
                         f'launcher is set from `{test}`: any launcher other than \'none\' '
                         'works once init_dist has run; set the one you launch with')


def _parenthesised(test):
    if isinstance(test, (cst.Name, cst.Attribute, cst.Call, cst.Subscript)):
        return test
    return test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
