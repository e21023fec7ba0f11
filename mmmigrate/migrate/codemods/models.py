"""MMCV model contract -> MMEngine's ``BaseModel`` (CATALOGUE §4, §5.3).

- ``train_step(self, data, optimizer)`` becomes ``train_step(self, data,
  optim_wrapper)`` (MMEngine passes it by keyword).
  * A model that left the step to MMCV's ``OptimizerHook`` (its
    ``train_step`` never touches the optimizer) now steps itself, exactly as
    the hook did: ``optim_wrapper.update_params(outputs['loss'])`` on the loss
    it returned, then the log variables are returned (what MMEngine's
    ``RuntimeInfoHook`` logs). The model's own loss reduction is kept: no
    ``parse_losses`` is put in between.
  * A model that steps its optimizers itself (GAN style) keeps doing so
    through the wrappers: ``optimizer['gen']`` -> ``optim_wrapper['gen']``,
    and ``zero_grad / backward / step`` sequences become
    ``update_params(loss)`` in the same order (a ``zero_grad`` that came first
    stays first, so gradients left by an earlier backward are still dropped).
- ``forward(..., return_loss=True)`` becomes ``forward(..., mode='loss')``
  (``return_loss=False``: ``mode='predict'``; a bare call does what it
  did) with ``return_loss`` read as ``mode == 'loss'``; every call passing
  ``return_loss=`` passes ``mode=`` instead.
- ``val_step(self, data, optimizer=None)`` loses the optimizer (MMEngine
  calls ``val_step(data)``).
- A model class deriving from ``nn.Module`` / ``BaseModule`` derives from
  ``BaseModel``. Every converted ``train_step`` / ``val_step`` (a subclass
  of a project base's too) runs the data preprocessor first (it moves the
  batch to the model's device, as ``MMDataParallel`` did), unless it
  already does or leaves it to ``super()``'s step.
- ``wrap_fp16_model(...)`` is removed with a finding: mixed precision is
  the ``AmpOptimWrapper``'s job (the fp16 decorators go in
  ``fp16_decorators.py``, without libcst).
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Set

import libcst as cst

from ..translate.values import Finding
from .def_scan import SkipsDefinitions, definitions_to_visit
from .edits import add_import, dotted, name_count, root_name
from .positions import LineResolver

OPTIMIZER = 'optimizer'
WRAPPER = 'optim_wrapper'
MODEL_BASES = {'nn.Module', 'torch.nn.Module', 'Module', 'BaseModule'}
TEST_SPLITS = {'forward_test', 'simple_test', 'aug_test'}


@dataclass
class _ModelClass:
    name: str
    depth: int  # how many functions enclose the class
    convert_base: bool = False
    base_was_base_module: bool = False
    stepping: bool = False  # train_step steps the optimizer itself
    loss_by_default: bool = False  # forward's return_loss defaulted to True
    optimizer_methods: Set[str] = field(default_factory=set)
    methods: Set[str] = field(default_factory=set)


@dataclass
class _Function:
    name: str
    model: Optional[_ModelClass]  # set for a direct method of a model class
    rename: bool = False  # `optimizer` -> `optim_wrapper` in this function
    aliases: Set[str] = field(default_factory=set)  # names bound to a wrapper


def _params(function: cst.FunctionDef) -> List[str]:
    return [p.name.value for p in (*function.params.posonly_params, *function.params.params,
                                   *function.params.kwonly_params)]


def _analyse(node: cst.ClassDef, depth: int) -> Optional[_ModelClass]:
    methods = {s.name.value: s for s in node.body.body if isinstance(s, cst.FunctionDef)}
    train_step = methods.get('train_step')
    forward = methods.get('forward')
    has_train_step = train_step is not None and OPTIMIZER in _params(train_step)
    has_return_loss = forward is not None and 'return_loss' in _params(forward)
    if not (has_train_step or has_return_loss):
        return None
    info = _ModelClass(node.name.value, depth, methods=set(methods))
    info.optimizer_methods = {name for name, f in methods.items()
                              if OPTIMIZER in _params(f) and name != 'val_step'}
    if has_return_loss:
        default = next(p.default for p in (*forward.params.params, *forward.params.kwonly_params)
                       if p.name.value == 'return_loss')
        info.loss_by_default = default is None or dotted(default) == 'True'
    if has_train_step:
        # the parameter itself is one use
        info.stepping = name_count(train_step.body, OPTIMIZER) > 0
    for base in node.bases:
        name = dotted(base.value)
        if name in MODEL_BASES:
            info.convert_base = True
            info.base_was_base_module = name == 'BaseModule'
    return info


def _call(node) -> Optional[cst.Call]:
    """The call of an expression statement line ``x.f(...)``, or None."""
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1 and \
            isinstance(node.body[0], cst.Expr) and isinstance(node.body[0].value, cst.Call):
        return node.body[0].value
    return None


def _method_call(node, method: str):
    """(receiver, call) when ``node`` is the line ``receiver.method()``."""
    call = _call(node)
    if call is None or call.args or not isinstance(call.func, cst.Attribute) or \
            call.func.attr.value != method:
        return None
    return call.func.value


def _code(node) -> str:
    return cst.Module([]).code_for_node(node)


def _mode_for(value: cst.BaseExpression) -> cst.BaseExpression:
    if isinstance(value, cst.Name) and value.value in ('True', 'False'):
        return cst.SimpleString("'loss'" if value.value == 'True' else "'predict'")
    return cst.parse_expression(f"'loss' if {_code(value)} else 'predict'")


def _str_annotation(annotation: Optional[cst.Annotation]) -> Optional[cst.Annotation]:
    """``return_loss: bool`` -> ``mode: str``."""
    if annotation is None:
        return None
    return annotation.with_changes(annotation=cst.Name('str'))


def _is_mode_test(node) -> bool:
    return isinstance(node, cst.Name) and node.value == 'return_loss'


MODE_TEST = cst.parse_expression("mode == 'loss'")


class ModelAPI(SkipsDefinitions, cst.CSTTransformer):

    def __init__(self, lines: LineResolver, to_visit: Optional[dict] = None,
                 tree_models: frozenset = frozenset()):
        super().__init__()
        self._lines = lines
        self.init_skipping(to_visit)  # the defs that can hold a change
        self._tree_models = tree_models  # classes of other files made BaseModels
        self.findings: List[Finding] = []
        self.changes: List[str] = []
        self.consumed: Set[str] = set()  # imported names no longer needed
        self.needs_base_model = False
        self.base_model = 'BaseModel'
        self._classes: List[Optional[_ModelClass]] = []
        self._functions: List[_Function] = []
        # classes of this module that derive from BaseModel once converted
        self._model_classes: Set[str] = set()

    # -- scopes -------------------------------------------------------------

    def visit_Module(self, node) -> bool:
        # a module defining its own BaseModel (mmedit does) gets MMEngine's
        # under another name
        own = {s.name.value for s in node.body if isinstance(s, cst.ClassDef)}
        self.base_model = 'MMEngineBaseModel' if 'BaseModel' in own else 'BaseModel'
        return True

    def visit_ClassDef(self, node) -> bool:
        self._classes.append(_analyse(node, len(self._functions)))
        return self.enter(node)

    def leave_ClassDef(self, original, updated):
        self.leave()
        info = self._classes.pop()
        if info is None:
            return updated
        if not info.convert_base:
            if any(dotted(b.value) in self._model_classes or
                   (dotted(b.value) or '').split('.')[-1] in self._tree_models
                   for b in updated.bases):
                self._model_classes.add(info.name)  # its base, above, was converted
            elif 'train_step' in info.methods and not any(
                    (dotted(b.value) or '').endswith('BaseModel') for b in updated.bases):
                self._find(original, 'model-base-class', 'warning', info.name,
                           f'{info.name} derives from '
                           f'{", ".join(_code(b.value) for b in updated.bases) or "object"}: '
                           'make sure that class derives from mmengine.model.BaseModel '
                           '(convert it too)')
            return updated
        self.needs_base_model = True
        self._model_classes.add(info.name)
        self.changes.append(f'{info.name}({self.base_model})')
        self.consumed.update(dotted(b.value) for b in updated.bases
                             if dotted(b.value) == 'BaseModule')
        bases = [b.with_changes(value=cst.Name(self.base_model))
                 if dotted(b.value) in MODEL_BASES
                 else b for b in updated.bases]
        updated = updated.with_changes(bases=bases)
        if 'forward' not in info.methods:
            # BaseModel.forward is abstract: the class could not be built without one
            self._find(original, 'model-forward-skeleton', 'warning', info.name,
                       f'{info.name} had no forward; BaseModel needs forward(inputs, '
                       "data_samples=None, mode='tensor'): a skeleton raising "
                       'NotImplementedError was added, fill it in for val/test')
            skeleton = cst.parse_statement(
                "def forward(self, *args, mode='tensor', **kwargs):\n"
                '    # TODO(mmmigrate): MMEngine calls forward(**data, mode=...) in '
                'val_step/test_step\n'
                "    raise NotImplementedError(f'{type(self).__name__}.forward(mode={mode!r})')\n"
            ).with_changes(leading_lines=[cst.EmptyLine(indent=False)])
            updated = updated.with_changes(body=updated.body.with_changes(
                body=[*updated.body.body, skeleton]))
        return updated

    def _model(self) -> Optional[_ModelClass]:
        """The model class whose method (directly) is being visited."""
        if not self._classes or self._classes[-1] is None:
            return None
        info = self._classes[-1]
        return info if len(self._functions) == info.depth else None

    def visit_FunctionDef(self, node) -> bool:
        model = self._model()
        name = node.name.value
        rename = model is not None and name in model.optimizer_methods
        if self._functions and self._functions[-1].rename and OPTIMIZER not in _params(node):
            rename = True  # a nested function reading the enclosing optimizer
        self._functions.append(_Function(name, model, rename))
        return self.enter(node)

    def leave_FunctionDef(self, original, updated):
        self.leave()
        function = self._functions.pop()
        model = function.model
        if model is None:
            return updated
        if function.name == 'val_step':
            return self._val_step(original, updated)
        if function.name == 'forward' and 'return_loss' in _params(original):
            return self._forward(original, updated, model)
        if function.name == 'train_step' and function.rename:
            self.changes.append('train_step')
            # every train_step that runs preprocesses its batch, in a subclass
            # of a project base too (MMEngine's loop hands it the raw batch)
            updated = _preprocess_first(updated, training=True)
            if model.stepping:
                self._find(original, 'model-ddp-wrapper', 'warning', 'train_step',
                           f'{model.name}.train_step steps its optimizers itself: under DDP '
                           "MMEngine's default wrapper (MMDistributedDataParallel) runs its "
                           'own step instead of this one; set model_wrapper_cfg='
                           "dict(type='MMSeparateDistributedDataParallel') in the config")
        return updated

    # -- optimizer -> optim_wrapper -----------------------------------------

    def _renaming(self) -> Optional[_Function]:
        return self._functions[-1] if self._functions and self._functions[-1].rename else None

    def leave_Name(self, original, updated):
        if updated.value == OPTIMIZER and self._renaming():
            return updated.with_changes(value=WRAPPER)
        return updated

    def leave_Attribute(self, original, updated):
        if self._renaming() and original.attr.value == OPTIMIZER:
            updated = updated.with_changes(attr=original.attr)  # `x.optimizer` stays
        return updated

    def leave_Arg(self, original, updated):
        if original.keyword is not None and original.keyword.value in (OPTIMIZER,):
            updated = updated.with_changes(keyword=original.keyword)
        if original.keyword is not None and original.keyword.value == 'return_loss':
            value = cst.Name('mode') if _is_mode_test(updated.value) and self._in_forward() \
                else _mode_for(updated.value)
            return updated.with_changes(keyword=cst.Name('mode'), value=value)
        if _is_mode_test(updated.value) and self._in_forward():
            return updated.with_changes(value=MODE_TEST)
        return updated

    def leave_Call(self, original, updated):
        function = self._renaming()
        model = function.model if function else None
        if model is None and self._functions:
            model = next((f.model for f in reversed(self._functions) if f.model), None)
        if function and model and isinstance(updated.func, cst.Attribute) and \
                dotted(updated.func.value) == 'self' and \
                updated.func.attr.value in model.optimizer_methods:
            # a helper whose parameter was renamed: its keyword follows
            updated = updated.with_changes(args=[
                a.with_changes(keyword=cst.Name(WRAPPER))
                if a.keyword is not None and a.keyword.value == OPTIMIZER else a
                for a in updated.args])
        if any(a.keyword is not None and a.keyword.value == 'return_loss'
               for a in original.args):
            self.changes.append('return_loss=')
        elif dotted(updated.func) == 'self':
            updated = self._loss_mode_call(updated)
        return self._super_init(original, updated)

    def _loss_mode_call(self, updated):
        """``self(**data)`` in a method of a model whose forward computed
        losses by default: the default is ``mode='tensor'`` now, so the call
        asks for losses explicitly."""
        function = self._functions[-1] if self._functions else None
        model = function.model if function else None
        if model is None or not model.loss_by_default or function.name == 'forward' or \
                any(a.keyword is not None and a.keyword.value == 'mode' for a in updated.args):
            return updated
        args = list(updated.args)
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(' '))) \
            if args else args
        mode = cst.Arg(value=cst.SimpleString("'loss'"), keyword=cst.Name('mode'),
                       equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(''),
                                             whitespace_after=cst.SimpleWhitespace('')))
        # keyword arguments go before ``**kwargs``
        at = next((i for i, a in enumerate(args) if a.star == '**'), len(args))
        if at < len(args):
            mode = mode.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(' ')))
            args = [a.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(' ')))
                    if i < len(args) - 1 else a.with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    for i, a in enumerate(args)]
        self.changes.append("mode='loss'")
        return updated.with_changes(args=args[:at] + [mode] + args[at:])

    def _super_init(self, original, updated):
        """``super().__init__(init_cfg)``: BaseModel's first parameter is the
        data preprocessor, so a BaseModule's positional init_cfg is named."""
        model = next((f.model for f in reversed(self._functions) if f.model), None)
        if model is None or not model.base_was_base_module or \
                not isinstance(updated.func, cst.Attribute) or \
                updated.func.attr.value != '__init__' or \
                not isinstance(updated.func.value, cst.Call) or \
                dotted(updated.func.value.func) != 'super':
            return updated
        args = list(updated.args)
        if len(args) == 1 and args[0].keyword is None and args[0].star == '':
            return updated.with_changes(args=[args[0].with_changes(
                keyword=cst.Name('init_cfg'),
                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(''),
                                      whitespace_after=cst.SimpleWhitespace('')))])
        return updated

    def leave_Assign(self, original, updated):
        function = self._renaming()
        if function and root_name(updated.value) == WRAPPER:
            for target in updated.targets:
                if isinstance(target.target, cst.Name):
                    function.aliases.add(target.target.value)
        return updated

    def leave_IndentedBlock(self, original, updated):
        function = self._renaming()
        if function is None:
            return updated
        return updated.with_changes(body=self._collapse_steps(list(updated.body),
                                                              function.aliases | {WRAPPER}))

    def _collapse_steps(self, body: list, wrappers: Set[str]) -> list:
        """``backward / step / zero_grad`` on one wrapper, in either MMCV order,
        -> ``update_params``; a ``zero_grad`` that came first stays first."""
        out, i = [], 0
        zeroed: Set[str] = set()  # wrappers zeroed earlier in this block
        while i < len(body):
            merged = self._update_params(body[i:i + 3], wrappers, zeroed)
            if merged is None:
                receiver = _method_call(body[i], 'zero_grad')
                if receiver is not None and root_name(receiver) in wrappers:
                    zeroed.add(_code(receiver))
                out.append(body[i])
                i += 1
                continue
            replacement, used = merged
            self.changes.append('update_params')
            out.extend(replacement)
            i += used
        return out

    @staticmethod
    def _update_params(window, wrappers: Set[str], zeroed: Set[str]):
        """(replacement lines, lines used) for the sequence at the start of
        ``window``, or None."""
        def on_wrapper(node, method):
            receiver = _method_call(node, method) if node is not None else None
            return _code(receiver) if receiver is not None and \
                root_name(receiver) in wrappers else None

        def update(wrapper, loss, like):
            return _line(f'{wrapper}.update_params({_code(loss)})', like)

        first, second, third = (list(window) + [None, None])[:3]
        loss = _method_call(first, 'backward') if first is not None else None
        step = on_wrapper(second, 'step')
        if loss is not None and step is not None:
            if on_wrapper(third, 'zero_grad') == step:  # backward, step, zero_grad
                return [update(step, loss, first)], 3
            if step in zeroed:  # zero_grad earlier, then backward, step
                return [update(step, loss, first)], 2
        zero = on_wrapper(first, 'zero_grad')
        loss = _method_call(second, 'backward') if second is not None else None
        if zero is not None and loss is not None and on_wrapper(third, 'step') == zero:
            return [first, update(zero, loss, second)], 3
        return None

    # -- train_step returns ---------------------------------------------------

    def leave_SimpleStatementLine(self, original, updated):
        call = _call(updated)
        if call is not None and dotted(call.func) == 'wrap_fp16_model':
            self.consumed.add('wrap_fp16_model')
            self._find(original, 'model-wrap-fp16', 'warning', 'wrap_fp16_model',
                       'wrap_fp16_model(...) removed: mixed precision comes from '
                       "optim_wrapper=dict(type='AmpOptimWrapper', ...) in MMEngine")
            return cst.RemoveFromParent()
        function = self._functions[-1] if self._functions else None
        if function is None or function.name != 'train_step' or not function.rename or \
                len(updated.body) != 1 or not isinstance(updated.body[0], cst.Return):
            return updated
        value = updated.body[0].value
        if function.model is not None and function.model.stepping:
            return self._stepping_return(original, updated, value)
        return self._hook_stepped_return(original, updated, value)

    def _stepping_return(self, original, updated, value):
        log_vars = _entry(value, 'log_vars')
        if log_vars is not None:
            return updated.with_changes(body=[updated.body[0].with_changes(value=log_vars)])
        if isinstance(value, cst.Name):
            return updated.with_changes(body=[updated.body[0].with_changes(
                value=cst.parse_expression(f"{value.value}['log_vars']"))])
        self._find(original, 'model-train-step-return', 'warning', 'train_step',
                   'train_step should return the dict of values to log (MMCV\'s log_vars); '
                   'check this return')
        return updated

    def _hook_stepped_return(self, original, updated, value):
        loss, log_vars = _entry(value, 'loss'), _entry(value, 'log_vars')
        lines = []
        if loss is not None and log_vars is not None:
            lines = [f'{WRAPPER}.update_params({_code(loss)})', f'return {_code(log_vars)}']
        elif value is not None and not isinstance(value, (cst.Dict, cst.Call)) or \
                isinstance(value, cst.Call) and dotted(value.func) != 'dict':
            name = value.value if isinstance(value, cst.Name) else 'outputs'
            if not isinstance(value, cst.Name):
                lines.append(f'outputs = {_code(value)}')
            lines += [f"{WRAPPER}.update_params({name}['loss'])", f"return {name}['log_vars']"]
        if not lines:
            self._find(original, 'model-train-step-return', 'warning', 'train_step',
                       'train_step should step optim_wrapper.update_params(loss) and return the '
                       'values to log; this return was not recognised')
            return updated
        self.changes.append('update_params')
        new = [cst.parse_statement(line + '\n') for line in lines]
        new[0] = new[0].with_changes(leading_lines=updated.leading_lines)
        new[-1] = new[-1].with_changes(trailing_whitespace=updated.trailing_whitespace)
        return cst.FlattenSentinel(new)

    # -- forward(return_loss) -> forward(mode) ----------------------------------

    def _in_forward(self) -> bool:
        return any(f.name == 'forward' and f.model is not None for f in self._functions)

    def leave_If(self, original, updated):
        if _is_mode_test(updated.test) and self._in_forward():
            return updated.with_changes(test=MODE_TEST)
        return updated

    def leave_IfExp(self, original, updated):
        if _is_mode_test(updated.test) and self._in_forward():
            return updated.with_changes(test=MODE_TEST)
        return updated

    def leave_UnaryOperation(self, original, updated):
        if isinstance(updated.operator, cst.Not) and _is_mode_test(updated.expression) and \
                self._in_forward():
            return updated.with_changes(expression=MODE_TEST)
        return updated

    def leave_BooleanOperation(self, original, updated):
        if not self._in_forward():
            return updated
        return updated.with_changes(
            left=MODE_TEST if _is_mode_test(updated.left) else updated.left,
            right=MODE_TEST if _is_mode_test(updated.right) else updated.right)

    def _forward(self, original, updated, model: _ModelClass):
        # the default keeps what a bare call did: return_loss=True computed
        # the losses, False predicted (MMEngine always passes mode itself)
        default = cst.SimpleString("'loss'" if model.loss_by_default else "'predict'")

        def renamed(params):
            return [p.with_changes(name=cst.Name('mode'), default=default,
                                   annotation=_str_annotation(p.annotation))
                    if p.name.value == 'return_loss' else p for p in params]

        updated = updated.with_changes(params=updated.params.with_changes(
            params=renamed(updated.params.params),
            kwonly_params=renamed(updated.params.kwonly_params)))
        self.changes.append('forward(mode)')
        if name_count(updated.body, 'return_loss'):
            self._find(original, 'model-return-loss-use', 'warning', 'forward',
                       "return_loss is used in a way mmmigrate does not rewrite: it is "
                       "mode == 'loss' now")
        if model.methods & TEST_SPLITS:
            self._find(original, 'model-forward-test', 'info', 'forward',
                       "mode='predict' returns what forward_test returned: MMEngine hands it "
                       'to val_evaluator/test_evaluator.process() as data_samples (MMCV fed '
                       'dataset.evaluate); write a BaseMetric that reads it')
        return updated

    # -- val_step, decorators ---------------------------------------------------

    def _val_step(self, original, updated):
        params = [p for p in updated.params.params if p.name.value != OPTIMIZER]
        if len(params) == len(updated.params.params):
            return updated
        if name_count(updated.body, OPTIMIZER):
            self._find(original, 'model-val-step-optimizer', 'warning', 'val_step',
                       'val_step uses the optimizer, which MMEngine does not pass to it')
            return updated
        params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        self.changes.append('val_step')
        updated = _preprocess_first(updated, training=False)
        self._find(original, 'model-val-step', 'info', 'val_step',
                   "MMEngine's ValLoop hands what val_step returns to val_evaluator.process "
                   "(MMCV's val workflow logged the losses it returned)")
        return updated.with_changes(params=updated.params.with_changes(params=params))

    def _find(self, node, rule: str, severity: str, key: str, message: str) -> None:
        self.findings.append(self._lines.finding(node, rule, severity, key, message))


def _entry(value, key: str) -> Optional[cst.BaseExpression]:
    """The ``key`` entry of a ``dict(...)`` call or ``{...}`` display."""
    if isinstance(value, cst.Call) and dotted(value.func) == 'dict':
        return next((a.value for a in value.args
                     if a.keyword is not None and a.keyword.value == key), None)
    if isinstance(value, cst.Dict):
        return next((e.value for e in value.elements if isinstance(e, cst.DictElement)
                     and isinstance(e.key, cst.SimpleString) and e.key.evaluated_value == key),
                    None)
    return None


def _line(code: str, like: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    return cst.parse_statement(code + '\n').with_changes(
        leading_lines=like.leading_lines, trailing_whitespace=like.trailing_whitespace)


def _preprocess_first(function: cst.FunctionDef, training: bool) -> cst.FunctionDef:
    """``data = self.data_preprocessor(data, True)`` (``False`` in val_step)
    as the first statement (after a docstring) of a converted model's step,
    unless it already preprocesses or hands the batch to ``super()``'s step,
    which does (preprocessing twice would normalise twice)."""
    params = _params(function)
    if len(params) < 2 or not isinstance(function.body, cst.IndentedBlock):
        return function
    data = params[1]
    line = cst.parse_statement(f'{data} = self.data_preprocessor({data}, {training})\n')
    body = list(function.body.body)
    code = _code(function.body)
    if 'data_preprocessor' in code or re.search(rf'super\([^)]*\)\.{function.name.value}\(',
                                                 code):
        return function
    at = 1 if body and isinstance(body[0], cst.SimpleStatementLine) and \
        isinstance(body[0].body[0], cst.Expr) and \
        isinstance(body[0].body[0].value, (cst.SimpleString, cst.ConcatenatedString)) else 0
    return function.with_changes(body=function.body.with_changes(
        body=body[:at] + [line] + body[at:]))


# what a class or function must hold for this transform to change anything
# inside it (the words of its conversions: the optimizer, return_loss,
# self(...) calls, super().__init__(init_cfg))
WORDS = ('train_step', 'val_step', 'return_loss', 'wrap_fp16_model', OPTIMIZER, 'self(',
         'super(')


def adapt_models(module: cst.Module, tree=None, text: Optional[str] = None,
                 index=None) -> Dict[str, object]:
    """Apply the transform: {'module', 'findings', 'changes', 'consumed'}.
    ``tree`` / ``text``: the stdlib tree and text ``module`` was parsed from,
    so definitions that cannot change are not walked; ``index``: the tree's
    class index, for bases in other files."""
    lines = LineResolver(module)
    to_visit = definitions_to_visit(text, tree, WORDS) if tree is not None else None
    transformer = ModelAPI(lines, to_visit, index.models if index is not None else frozenset())
    new_module = module.visit(transformer)
    lines.resolve()
    if transformer.needs_base_model:
        alias = transformer.base_model if transformer.base_model != 'BaseModel' else None
        new_module = add_import(new_module, 'mmengine.model', 'BaseModel', alias)
    return dict(module=new_module, findings=transformer.findings,
                changes=transformer.changes, consumed=transformer.consumed)
