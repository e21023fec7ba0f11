"""An MMCV ``EvalHook`` registered between a runner's construction and its
``run()`` -> the MMEngine Runner's validation arguments.

mmdet 2.x / mmcls 0.x train APIs write::

    runner = build_runner(...)
    ...
    if validate:
        val_dataloader = build_dataloader(...)
        eval_cfg = cfg.get('evaluation', {})
        eval_cfg['by_epoch'] = cfg.runner['type'] != 'IterBasedRunner'
        eval_hook = DistEvalHook if distributed else EvalHook
        runner.register_hook(eval_hook(val_dataloader, **eval_cfg), priority='LOW')

The MMEngine Runner validates from arguments it gets when it is built, so
the ``if`` block moves above the Runner without the registration, the alias
and the statements that only fed the hook's own arguments, and the Runner
gets ``val_dataloader=val_dataloader if validate else None``, ``val_cfg``
(``PredictValLoop``: ``model.test_step``, what ``single_gpu_test`` ran) and
``val_evaluator`` (``DatasetMetric``: ``dataset.evaluate`` with the hook's
other arguments), both from ``mmmigrate.compat.evaluation``. Which hooks
score that way is data (``rules/eval_hooks.yaml``); any other evaluation hook
is reported where it is registered.
"""
import re
from dataclasses import dataclass, field
from typing import Callable, List, Optional

import libcst as cst

from ...rules import load_pack
from .edits import dotted, name_count
from .script_statements import assigned, code_of, method_call, single_statement

_RULES = load_pack('eval_hooks')
MMCV_EVAL_HOOKS = frozenset(_RULES['mmcv'])
PROJECT_MODULES = frozenset(_RULES['projects'])
HOOK_ARGUMENTS = frozenset(_RULES['hook_arguments'])
COMPAT_MODULE = 'mmmigrate.compat.evaluation'


@dataclass
class Validation:
    """One EvalHook registration the Runner takes over."""
    index: int  # of the statement in the block (the registration or its ``if``)
    loader: str  # source of the hook's data loader
    arguments: List[str]  # the hook's other arguments, as written
    condition: Optional[str] = None  # the ``if`` test around it
    hoisted: Optional[cst.If] = None  # that ``if`` without what only fed the hook
    hook_names: List[str] = field(default_factory=list)  # names no longer needed
    dropped: List[cst.CSTNode] = field(default_factory=list)  # statements that fed the hook


def find_validation(statement, index: int, runner: str,
                    is_eval_hook: Callable[[cst.BaseExpression], bool]) -> Optional[Validation]:
    """The EvalHook registration ``statement`` is (or holds in an ``if``
    with no ``else``), or None."""
    found = _registration(statement, runner, is_eval_hook, {})
    if found is not None:
        loader, arguments, names = found
        return Validation(index, loader, arguments, hook_names=names)
    if not isinstance(statement, cst.If) or statement.orelse is not None or \
            not isinstance(statement.body, cst.IndentedBlock) or name_count(statement.test, runner):
        return None
    lines = list(statement.body.body)
    aliases = {}  # eval_hook = DistEvalHook if distributed else EvalHook
    for line in lines:
        assign = single_statement(line, cst.Assign)
        if assign is not None and len(assign.targets) == 1 and \
                isinstance(assign.targets[0].target, cst.Name) and _hooks_only(assign.value,
                                                                                is_eval_hook):
            aliases[assign.targets[0].target.value] = line
    for position, line in enumerate(lines):
        found = _registration(line, runner, is_eval_hook, aliases)
        if found is None:
            continue
        loader, arguments, names = found
        rest = lines[:position] + lines[position + 1:]
        alias = next((a for a in aliases if a in names), None)
        if alias is not None and not any(name_count(s, alias) for s in rest
                                         if s is not aliases[alias]):
            names = _leaves(single_statement(aliases[alias], cst.Assign).value)
            rest = [s for s in rest if s is not aliases[alias]]
        if any(name_count(s, runner) for s in rest):
            return None  # the block also uses the runner: it cannot move above it
        spread = [a[2:] for a in arguments if a.startswith('**')]
        dropped = [s for s in rest if _feeds_hook_only(s, spread)]
        rest = [_reads_val_evaluator(s, spread) for s in rest
                if not any(s is d for d in dropped)]
        hoisted = statement.with_changes(body=statement.body.with_changes(
            body=rest or [cst.SimpleStatementLine([cst.Pass()])]))
        return Validation(index, loader, arguments, code_of(statement.test), hoisted, names,
                          dropped)
    return None


def _registration(line, runner: str, is_eval_hook, aliases: dict):
    """(loader, other arguments, hook names) for ``runner.register_hook(
    EvalHook(loader, ...), ...)``."""
    found = method_call(line, runner)
    if found is None or found[0] != 'register_hook' or not found[1].args:
        return None
    hook = found[1].args[0].value
    if not isinstance(hook, cst.Call) or not hook.args or hook.args[0].keyword is not None or \
            hook.args[0].star:
        return None
    callee = hook.func
    if not (is_eval_hook(callee) or isinstance(callee, cst.Name) and callee.value in aliases):
        return None
    loader = hook.args[0].value
    if not isinstance(loader, (cst.Name, cst.Attribute)):
        return None  # loader.dataset must not build it a second time
    if any(a.keyword is None and a.star != '**' for a in hook.args[1:]):
        return None  # positional: the hook's own start / interval, not evaluate()'s
    arguments = [code_of(a.with_changes(comma=cst.MaybeSentinel.DEFAULT)).strip()
                 for a in hook.args[1:]]
    return code_of(loader), arguments, [code_of(callee)]


def _hooks_only(value, is_eval_hook) -> bool:
    if isinstance(value, cst.IfExp):
        return _hooks_only(value.body, is_eval_hook) and _hooks_only(value.orelse, is_eval_hook)
    return is_eval_hook(value)


def _leaves(value) -> List[str]:
    """``DistEvalHook if distributed else EvalHook`` -> both hook names."""
    if isinstance(value, cst.IfExp):
        return _leaves(value.body) + _leaves(value.orelse)
    return [code_of(value)]


def _feeds_hook_only(statement, spread: List[str]) -> bool:
    """``eval_cfg['by_epoch'] = ...``: sets one of the hook's own arguments
    in the dict spread into it."""
    assign = single_statement(statement, cst.Assign)
    if assign is None or len(assign.targets) != 1:
        return False
    target = assign.targets[0].target
    if not (isinstance(target, cst.Subscript) and dotted(target.value) in spread and
            len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index)):
        return False
    key = target.slice[0].slice.value
    return isinstance(key, cst.SimpleString) and key.evaluated_value in HOOK_ARGUMENTS


def _reads_val_evaluator(statement, spread: List[str]):
    """``eval_cfg = cfg.get('evaluation', {})`` (the dict spread into the
    hook) reads ``val_evaluator`` instead: the converted config keeps
    dataset.evaluate's arguments (``metric=...``) there."""
    assign = single_statement(statement, cst.Assign)
    if assign is None or len(assign.targets) != 1 or \
            dotted(assign.targets[0].target) not in spread:
        return statement
    match = _EVALUATION_READ.match(code_of(assign.value).strip())
    if match is None:
        return statement
    new = assign.with_changes(value=cst.parse_expression(
        f"{match.group(1)}.get('val_evaluator', {{}})"))
    return statement.with_changes(body=[new])


_EVALUATION_READ = re.compile(r"^(\w+)(?:\.evaluation|\.get\(\s*['\"]evaluation['\"]\s*"
                              r"(?:,\s*(?:\{\s*\}|dict\(\s*\)|None)\s*)?\))$")


def hook_only(argument: str) -> bool:
    """``interval=2``: an argument of the hook itself, not of dataset.evaluate."""
    return argument.split('=', 1)[0].strip() in HOOK_ARGUMENTS and '=' in argument


def runner_arguments(validation: Validation) -> dict:
    """The Runner's val_dataloader / val_cfg / val_evaluator."""
    metric_arguments = ', '.join([f'{validation.loader}.dataset',
                                  *(a for a in validation.arguments if not hook_only(a))])
    values = dict(val_dataloader=validation.loader, val_cfg='dict(type=PredictValLoop)',
                  val_evaluator=f'[DatasetMetric({metric_arguments})]')
    if validation.condition is not None:
        values = {k: f'{v} if {validation.condition} else None' for k, v in values.items()}
    return values


def is_project_eval_hook(module: Optional[str], name: str) -> bool:
    return name in MMCV_EVAL_HOOKS and module in PROJECT_MODULES


class ValidationReader:
    """Reads EvalHook registrations for :class:`~.runner.RunnerScripts`,
    which provides ``_mmcv``, ``_imported``, ``_find`` and ``consumed``."""

    def _is_eval_hook(self, node) -> bool:
        """An EvalHook that scores with dataset.evaluate (rules/eval_hooks.yaml)."""
        name = dotted(node)
        return name is not None and (self._mmcv(node) in MMCV_EVAL_HOOKS or
                                     is_project_eval_hook(*self._imported.get(name, (None, ''))))

    def _read_validation(self, conversion, body, original, start: int, index: int) -> bool:
        """Whether ``body[index]`` registers an EvalHook the Runner takes
        over; one that it cannot is reported."""
        statement = body[index]
        code = code_of(statement)
        if f'{conversion.name}.register_hook(' not in code or 'eval' not in code.lower():
            return False
        validation = find_validation(statement, index, conversion.name, self._is_eval_hook)
        reason = self._validation_stays(validation, conversion, body, start, index)
        if reason is not None:
            self._find(original[index], 'runner-eval-hook-kept', 'warning', 'EvalHook',
                       f'this evaluation hook stays registered ({reason}), but MMEngine '
                       'validates through Runner(val_dataloader=..., val_cfg=..., '
                       'val_evaluator=...): build the loader before the Runner and pass those '
                       '(mmmigrate.compat.evaluation.DatasetMetric scores with dataset.evaluate)')
            return False
        conversion.validation = validation
        self.consumed.update(validation.hook_names)
        self.consumed_project.update(validation.hook_names)
        self._find(original[index], 'runner-eval-hook', 'info', 'EvalHook',
                   'the EvalHook becomes the Runner\'s validation: val_dataloader, val_cfg='
                   'dict(type=PredictValLoop) (model.test_step, what single_gpu_test ran) and '
                   'val_evaluator=[DatasetMetric(...)] (dataset.evaluate with the hook\'s '
                   'arguments); the statements building the loader move above the Runner, '
                   'and a dict of the hook\'s arguments read from <cfg>.evaluation reads '
                   '<cfg>.val_evaluator, where the converted config keeps them')
        for statement in validation.dropped:
            self._find(original[index], 'runner-eval-hook-argument', 'info', 'EvalHook',
                       f'{code_of(statement).strip()} dropped: it set an argument of the '
                       'hook only; the converted config holds the validation cadence')
        cadence = [a for a in validation.arguments if a.startswith(('interval', 'start', '**'))
                   and a.replace(' ', '') != 'interval=1']  # 1: MMEngine's default too
        if conversion.config_object is None and cadence:
            self._find(original[index], 'runner-eval-interval', 'warning', 'EvalHook',
                       f'{", ".join(cadence)}: the hook\'s interval / start set when it '
                       'validated: set train_cfg\'s val_interval / val_begin to match '
                       '(MMEngine validates every epoch by default, and after the last one)')
        return True

    @staticmethod
    def _validation_stays(validation, conversion, body, start: int, index: int):
        """Why an evaluation hook registration cannot become the Runner's
        validation, or None when it can."""
        if validation is None:
            return ('not an EvalHook(loader, ...) that scores with dataset.evaluate, see '
                    'rules/eval_hooks.yaml, registered directly or in an if block')
        if conversion.validation is not None:
            return 'a second one: the Runner has one validation loop'
        # the moved block must not read what the statements after the runner bind
        bound = {target for between in body[start + 1:index] for target in assigned(between)}
        moved = validation.hoisted or cst.parse_expression(validation.loader)
        late = sorted(name for name in bound if name_count(moved, name))
        if late:
            return f'it reads {", ".join(late)}, bound after the runner is built'
        # nor rebind what the runner and the statements after it read (mmocr's
        # block reassigns cfg, which the Runner reads)
        rebound = assigned(validation.hoisted) if validation.hoisted is not None else set()
        clash = sorted(name for name in rebound
                       if any(name_count(s, name) for s in body[start:index]))
        if clash:
            return f'its block rebinds {", ".join(clash)}, which the runner reads'
        return None
