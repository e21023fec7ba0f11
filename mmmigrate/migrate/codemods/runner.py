"""MMCV runner code in training scripts -> one MMEngine ``Runner(...)``
(CATALOGUE §2, §8).

In one block of statements::

    runner = EpochBasedRunner(model, optimizer=optimizer, work_dir=..., max_epochs=12)
    runner.register_training_hooks(lr_config, optimizer_config, ...)
    runner.resume(path)                  # or runner.load_checkpoint(path)
    runner.run(data_loaders, workflow)

becomes ``runner = Runner(model=..., work_dir=..., train_dataloader=...,
optim_wrapper=..., param_scheduler=..., train_cfg=..., default_hooks=...,
load_from=..., resume=True)`` and ``runner.train()``. The hook configs are
translated by the config translator (one source of truth): values written
in the script (or bound to names earlier in the same block) are translated
statically; configs read from a ``cfg`` object (``cfg.lr_config``) become
the keys ``mmmigrate config`` writes (``cfg.param_scheduler``).

A model wrapped in ``MMDataParallel`` before the runner is left unwrapped
(the Runner moves it to the device); ``MMDistributedDataParallel``, and the
projects' own ``DistributedDataParallelWrapper`` (one DDP per child, for
models that step their optimizers themselves), become ``launcher`` and
``model_wrapper_cfg`` (``rules/model_wrappers.yaml``). ``register_hook`` calls stay: the
MMEngine Runner has the same method.
"""
import re
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from ..reader import evaluate
from ..render import render
from ..translate.config import LEGACY_KEYS, translate_config
from ..translate.values import BuiltOptimizer, Finding, Opaque
from .def_scan import SkipsDefinitions, definitions_to_visit
from .edits import add_import, dotted, name_count
from .positions import LineResolver
from .runner_between import drop_auto_resume, read_statement
from .runner_imports import drop_mmcv_runner_alias, drop_unused_module_import
from .runner_validation import COMPAT_MODULE, ValidationReader, runner_arguments
from .runner_wrappers import REMOVED, ModelWrappers, wrapper_source
from .script_statements import (assigns_name, bound_names, code_of,
                                method_call, only_loads, optimizer_dict, single_statement)

RUNNER_CLASSES = {'EpochBasedRunner', 'IterBasedRunner', 'Runner'}
HOOK_ARGUMENTS = ('lr_config', 'optimizer_config', 'checkpoint_config', 'log_config',
                  'momentum_config', 'timer_config', 'custom_hooks_config')
# Runner arguments, in the order they are written
RUNNER_ARGUMENTS = ('model', 'work_dir', 'train_dataloader', 'val_dataloader', 'val_cfg',
                    'val_evaluator', 'optim_wrapper', 'param_scheduler', 'train_cfg',
                    'default_hooks', 'custom_hooks', 'log_processor', 'visualizer',
                    'load_from', 'resume', 'launcher', 'env_cfg', 'randomness', 'cfg')
# the keys `mmmigrate config` writes, read from a converted config object
FROM_CONFIG = {'optim_wrapper': '{}.optim_wrapper', 'param_scheduler': "{}.get('param_scheduler')",
               'train_cfg': '{}.train_cfg', 'default_hooks': "{}.get('default_hooks')",
               'custom_hooks': "{}.get('custom_hooks')", 'log_processor': "{}.get('log_processor')",
               'visualizer': "{}.get('visualizer')"}
_CONFIG_READ = re.compile(r"^(\w+)(?:\.(\w+)|\[['\"](\w+)['\"]\]|\.get\(['\"](\w+)['\"].*\))$",
                          re.S)


def _statements(text: str) -> List[str]:
    """``text`` (whole statements) cut into one source text per statement."""
    return [cst.Module(body=[statement]).code for statement in cst.parse_module(text).body]


def _config_read(source: str) -> Optional[Tuple[str, str]]:
    """('cfg', 'lr_config') for ``cfg.lr_config`` / ``cfg['lr_config']`` /
    ``cfg.get('lr_config', ...)`` when the key is a legacy config key."""
    match = _CONFIG_READ.match(source.strip())
    if match is None:
        return None
    key = next(g for g in match.groups()[1:] if g)
    return (match.group(1), key) if key in LEGACY_KEYS or key == 'runner' else None


class _Conversion:
    """What one ``runner = ...`` / ``runner.run(...)`` pair collects."""

    def __init__(self, name: str, kind: str):
        self.name, self.kind = name, kind  # kind: 'epoch' | 'iter' | 'config'
        self.arguments: Dict[str, str] = {}  # Runner argument -> source
        self.legacy: Dict[str, object] = {}  # legacy config values for the translator
        self.config_object: Optional[str] = None  # `cfg` when hook configs come from one
        self.remove: Set[int] = set()  # statement indexes the conversion replaces
        # `if ...: runner.resume(...) elif ...: runner.load_checkpoint(...)`
        self.conditional_loads: List[int] = []
        self.dropped_names: List[str] = []  # variables only the old runner read
        # a statement registering the config's custom hooks itself (a loop
        # over cfg.custom_hooks calling runner.register_hook)
        self.custom_hooks_loop = None
        # statements computing resume_from for auto-resume: (index, node)
        self.auto_resume: List[Tuple[int, object]] = []
        # an EvalHook registration the Runner's validation replaces
        self.validation = None
        # the model_wrapper_cfg the script's own wrapping becomes:
        # (['type=...', 'option=value', ...], '{} if test else None')
        self.model_wrapper: Optional[Tuple[List[str], str]] = None


class RunnerScripts(ModelWrappers, ValidationReader, SkipsDefinitions, cst.CSTTransformer):

    def __init__(self, lines: LineResolver, to_visit: Optional[dict] = None):
        super().__init__()
        self._lines = lines
        self.init_skipping(to_visit)  # the defs that can build a runner
        self.findings: List[Finding] = []
        self.changes: List[str] = []
        self.consumed: Set[str] = set()
        # project classes the Runner replaced (a DDP wrapper, an EvalHook):
        # their own imports may go; other project names (get_root_logger) may
        # be re-exported by the module, so their imports stay
        self.consumed_project: Set[str] = set()
        self._mmcv_names: Dict[str, str] = {}  # local name -> MMCV name
        # local name -> (module, name) from-imported from other modules
        self._imported: Dict[str, Tuple[Optional[str], str]] = {}
        self._module_imports: Set[str] = set()  # import X.Y
        self._module_names: Dict[str, object] = {}  # module-level values
        self.needs_optim_wrapper = False
        self.needs_compat_evaluation = False
        # a model_wrapper_cfg was written that runs the model's own train_step
        self.wraps_own_step = False

    def visit_Module(self, node) -> bool:
        self._module_names = bound_names(node.body)
        return True

    def visit_ClassDef(self, node) -> bool:
        return self.enter(node)

    def leave_ClassDef(self, original, updated):
        self.leave()
        return updated

    def visit_FunctionDef(self, node) -> bool:
        return self.enter(node)

    def leave_FunctionDef(self, original, updated):
        self.leave()
        return updated

    def visit_Import(self, node) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            self._module_imports.update(dotted(alias.name) for alias in node.names)
        return False

    def visit_ImportFrom(self, node) -> bool:
        module = dotted(node.module) if node.module is not None else None
        if module and module.startswith('mmcv.') and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                name = dotted(alias.name)
                local = alias.asname.name.value if alias.asname else name
                self._mmcv_names[local] = name
        elif not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                if isinstance(alias.name, cst.Name):
                    local = alias.asname.name.value if alias.asname else alias.name.value
                    self._imported[local] = (module, alias.name.value)
        return False

    def _mmcv(self, node) -> Optional[str]:
        """The MMCV name a callee refers to (``EpochBasedRunner``,
        ``mmcv.runner.EpochBasedRunner``), or None."""
        name = dotted(node)
        if name is None:
            return None
        if name.startswith('mmcv.'):
            return name.rsplit('.', 1)[-1]
        return self._mmcv_names.get(name)

    def leave_IndentedBlock(self, original, updated):
        body = self._convert_block(list(original.body), list(updated.body))
        return updated if body is None else updated.with_changes(body=body)

    def leave_Module(self, original, updated):
        body = self._convert_block(list(original.body), list(updated.body))
        if body is not None:
            updated = updated.with_changes(body=body)
        if self.changes:
            # each a walk of the whole module: only where there is something to drop
            if self._mmcv_names.get('Runner') == 'Runner':
                updated = drop_mmcv_runner_alias(updated)
            if 'mmcv.runner' in self._module_imports:
                updated = drop_unused_module_import(updated, 'mmcv.runner')
            updated = add_import(updated, 'mmengine.runner', 'Runner')
            if self.needs_optim_wrapper:
                updated = add_import(updated, 'mmengine.optim', 'OptimWrapper')
            if self.needs_compat_evaluation:
                updated = add_import(updated, COMPAT_MODULE, 'DatasetMetric, PredictValLoop')
        return updated

    # -- one block ------------------------------------------------------------

    def _convert_block(self, original: list, body: list) -> Optional[list]:
        """The block with each of its runners converted (None: no change)."""
        changed = False
        start = 0
        while True:
            converted = self._convert_next(original, body, start)
            if converted is None:
                return body if changed else None
            body, start = converted
            original, changed = body, True  # lines of later findings: the new nodes

    def _convert_next(self, original: list, body: list, start: int):
        """(new body, where to look next) for the first runner from
        ``start`` on, or None."""
        if len(original) != len(body):  # a nested transform changed the count
            original = body
        for index in range(start, len(body)):
            found = self._constructor(body[index])
            if found is None:
                continue
            name, call, kind = found
            run = next((i for i in range(index + 1, len(body))
                        if (method_call(body[i], name) or ('',))[0] == 'run'), None)
            if run is None:
                self._find(original[index], 'runner-no-run', 'warning', name,
                           f'{name} is built here but {name}.run(...) is not in the same block: '
                           'convert this runner by hand (mmengine.runner.Runner + train())')
                continue
            conversion = _Conversion(name, kind)
            self._line = original[index]
            self._names = bound_names(body[:index], dict(self._module_names))
            if not self._read_constructor(conversion, call, original[index]):
                continue
            self._read_between(conversion, body, original, index, run)
            for before in range(index):
                if 'amp.initialize(' in code_of(body[before]):
                    self._find(original[before], 'runner-apex', 'warning', 'apex',
                               'apex.amp.initialize(...) wraps the model and optimizer, but '
                               'the Runner builds its own optimizer from optim_wrapper: use '
                               "optim_wrapper=dict(type='ApexOptimWrapper', opt_level=...) "
                               "(or 'AmpOptimWrapper' for torch.amp) and remove this call")
            self._read_run(conversion, method_call(body[run], name)[1], original[run])
            wrapped = self._unwrap_model(conversion, body, index)
            body = wrapped if wrapped is not None else body
            new = self._rewrite(conversion, body, original, index, run)
            return new, index + 1
        return None

    def _constructor(self, statement):
        assign = single_statement(statement, cst.Assign)
        if assign is None or len(assign.targets) != 1 or \
                not isinstance(assign.targets[0].target, cst.Name) or \
                not isinstance(assign.value, cst.Call):
            return None
        callee = self._mmcv(assign.value.func)
        if callee in RUNNER_CLASSES:
            kind = 'iter' if callee == 'IterBasedRunner' else 'epoch'
        elif callee == 'build_runner':
            kind = 'config'
        else:
            return None
        self.consumed.add(dotted(assign.value.func))
        return assign.targets[0].target.value, assign.value, kind

    def _read_constructor(self, conversion: _Conversion, call: cst.Call, line) -> bool:
        args = {}
        if conversion.kind == 'config':
            if not call.args:
                return False
            runner_cfg = code_of(call.args[0].value)
            default_args = next((a.value for a in call.args[1:]
                                 if a.keyword is None or a.keyword.value == 'default_args'),
                                None)
            if not (isinstance(default_args, cst.Call) and dotted(default_args.func) == 'dict'):
                self._find(line, 'runner-build-args', 'warning', 'build_runner',
                           'build_runner(...) default_args is not a dict(...) call: convert '
                           'this runner by hand')
                return False
            args = {a.keyword.value: code_of(a.value) for a in default_args.args if a.keyword}
            config = _config_read(runner_cfg)
            if config is not None:
                conversion.config_object = config[0]
            else:
                conversion.legacy['runner'] = evaluate(runner_cfg, {})
        else:
            order = ('model', 'batch_processor', 'optimizer', 'work_dir', 'logger', 'meta',
                     'max_iters', 'max_epochs')
            for position, arg in enumerate(call.args):
                key = arg.keyword.value if arg.keyword else order[position]
                args[key] = code_of(arg.value)
            runner = dict(type='IterBasedRunner' if conversion.kind == 'iter'
                          else 'EpochBasedRunner')
            for key in ('max_epochs', 'max_iters'):
                if key in args:
                    runner[key] = evaluate(args[key], self._names)
            conversion.legacy['runner'] = runner
        if 'batch_processor' in args and args['batch_processor'] != 'None':
            self._find(line, 'runner-batch-processor', 'error', 'batch_processor',
                       'batch_processor has no MMEngine equivalent: move its logic into '
                       'model.train_step; this runner is left as it is')
            return False
        for key in ('model', 'work_dir'):
            if key in args:
                conversion.arguments[key] = args[key]
        if 'optimizer' in args:
            wrappers = optimizer_dict(args['optimizer'], self._names)
            if wrappers is not None:
                # a dict of optimizers (GAN style): one wrapper each, an OptimWrapperDict
                conversion.arguments['optim_wrapper'] = 'dict(\n' + ',\n'.join(
                    f'        {name}=OptimWrapper(optimizer={value})'
                    for name, value in wrappers) + ')'
                self.needs_optim_wrapper = True
            else:
                conversion.legacy['optimizer'] = BuiltOptimizer(args['optimizer'])
        dropped = [key for key in ('logger', 'meta') if key in args]
        conversion.dropped_names = [args[key] for key in dropped if args[key].isidentifier()]
        if dropped:
            self._find(line, 'runner-logger-meta', 'info', ', '.join(dropped),
                       f'{" and ".join(dropped)} dropped: the MMEngine Runner builds its own '
                       'logger (log_level=...) and keeps run information in runner.message_hub '
                       '(pass the config as cfg=...)')
        return True

    def _read_between(self, conversion, body, original, start: int, end: int) -> None:
        names = self._names
        for index in range(start + 1, end):
            if self._read_validation(conversion, body, original, start, index):
                continue
            if only_loads(body[index], conversion.name):
                conversion.conditional_loads.append(index)
                continue
            found = method_call(body[index], conversion.name)
            if found is None:
                read_statement(conversion, body[index], original[index], index, self._find)
                continue
            method, call = found
            if method == 'register_training_hooks':
                conversion.remove.add(index)
                for position, arg in enumerate(call.args):
                    key = arg.keyword.value if arg.keyword else HOOK_ARGUMENTS[position]
                    self._hook_argument(conversion, key, code_of(arg.value), original[index])
            elif method in ('resume', 'load_checkpoint') and call.args:
                conversion.remove.add(index)
                path = code_of(call.args[0].value)
                conversion.legacy['resume_from' if method == 'resume' else 'load_from'] = \
                    evaluate(path, names)
                if len(call.args) > 1:
                    self._find(original[index], 'runner-resume-arguments', 'warning', method,
                               f'the other arguments of {method}(...) are dropped: the Runner '
                               'resumes the optimizer and schedulers itself')
            elif method.startswith('register_') and method != 'register_hook':
                self._find(original[index], 'runner-register-helper', 'warning', method,
                           f'{conversion.name}.{method}(...) does not exist in MMEngine: pass '
                           'the hook through default_hooks / custom_hooks')

    def _hook_argument(self, conversion, key: str, source: str, line) -> None:
        if source == 'None':
            return
        config = _config_read(source)
        if config is not None:
            conversion.config_object = config[0]
            return
        if key == 'timer_config':
            self._find(line, 'runner-timer-config', 'info', key,
                       'timer_config dropped: MMEngine registers IterTimerHook by default')
            return
        legacy_key = 'custom_hooks' if key == 'custom_hooks_config' else key
        conversion.legacy[legacy_key] = evaluate(source, self._names)

    def _read_run(self, conversion, call: cst.Call, line) -> None:
        args = [code_of(a.value) for a in call.args]
        loaders = call.args[0].value if call.args else None
        workflow = evaluate(args[1], self._names) if len(args) > 1 else [('train', 1)]
        if len(args) > 1 and _config_read(args[1]):
            conversion.config_object = _config_read(args[1])[0]
        phases = [step[0] for step in workflow] if isinstance(workflow, (list, tuple)) and \
            all(isinstance(s, (list, tuple)) and s for s in workflow) else None
        if phases is None:
            phases = ['train']
            if not _config_read(args[1] if len(args) > 1 else ''):
                self._find(line, 'runner-workflow', 'warning', 'workflow',
                           f'workflow {args[1]} is not a literal: the first data loader is '
                           'taken for training; add val_dataloader/val_cfg/val_evaluator if it '
                           'had a val phase')
            else:
                self._find(line, 'runner-workflow-config', 'info', 'workflow',
                           f'{args[1]}: the Runner trains on the first data loader; a '
                           "('val', n) phase of the workflow (val_step losses on the second, "
                           'only logged) has no MMEngine counterpart: validation is the '
                           "Runner's val loop (mmmigrate config reports the phase)")
        else:
            conversion.legacy['workflow'] = list(workflow)
        train = phases.index('train') if 'train' in phases else 0
        if isinstance(loaders, cst.List):
            items = [code_of(e.value) for e in loaders.elements]
            conversion.arguments['train_dataloader'] = items[train]
            if 'val' in phases and phases.index('val') < len(items):
                conversion.arguments['val_dataloader'] = items[phases.index('val')]
                conversion.arguments['val_cfg'] = 'dict()'
                self._find(line, 'runner-workflow-val', 'warning', 'workflow',
                           "the ('val', n) phase ran val_step and logged its losses; MMEngine "
                           'validates inside train() through an evaluator: set '
                           'val_evaluator=...')
        elif loaders is not None:
            conversion.arguments['train_dataloader'] = f'{args[0]}[{train}]'
        if len(args) > 2:
            conversion.legacy.setdefault('runner', {})['max_epochs'] = Opaque(args[2])

    # -- output -----------------------------------------------------------------

    def _rewrite(self, conversion, body: list, original: list, start: int, run: int) -> list:
        arguments = dict(conversion.arguments)
        line = original[start]
        if conversion.config_object is not None:
            cfg = conversion.config_object
            for key, template in FROM_CONFIG.items():
                arguments[key] = template.format(cfg)
            for key in ('load_from', 'resume_from'):
                if key in conversion.legacy:
                    arguments['load_from'] = _render(conversion.legacy[key])
                    if key == 'resume_from':
                        arguments['resume'] = 'True'
            if conversion.conditional_loads:
                # what the converted config's load_from / resume keys say
                arguments['load_from'] = f"{cfg}.get('load_from')"
                arguments['resume'] = f"{cfg}.get('resume', False)"
                conversion.remove.update(conversion.conditional_loads)
            optimizer = conversion.legacy.get('optimizer')
            if isinstance(optimizer, BuiltOptimizer) and optimizer.source.isidentifier():
                conversion.dropped_names.append(optimizer.source)
            arguments.setdefault('cfg', cfg)
            self._find(line, 'runner-converted-config', 'info', cfg,
                       f'the Runner reads the keys `mmmigrate config` writes from {cfg} '
                       '(optim_wrapper, param_scheduler, train_cfg, default_hooks): convert '
                       'the config files too')
        else:
            for index in conversion.conditional_loads:
                self._find(original[index], 'runner-resume-conditional', 'warning',
                           conversion.name,
                           'the MMEngine Runner resumes inside train(): pass load_from=... '
                           'and resume=True to Runner(...) instead of calling '
                           'resume/load_checkpoint here')
            translation = translate_config(conversion.legacy)
            variables = frozenset(self._names)  # still bound where the Runner is built
            for finding in translation.findings:
                if finding.rule == 'key-removed':
                    continue
                self.findings.append(self._lines.finding(line, finding.rule, finding.severity,
                                                         finding.key, finding.message))
            new = dict(translation.new)
            if 'checkpoint_config' not in conversion.legacy:
                # MMCV registered no CheckpointHook then; MMEngine's default saves
                new['default_hooks'] = dict(new.get('default_hooks') or {}, checkpoint=None)
            for key, value in new.items():
                if key == 'model_wrapper_cfg':
                    arguments.setdefault('cfg', f'dict(model_wrapper_cfg={_render(value)})')
                elif key in RUNNER_ARGUMENTS:
                    arguments[key] = _render(value, len(key) + 5, 4, variables)
                else:
                    self._find(line, 'runner-key-unused', 'warning', key,
                               f'{key} has no Runner argument; set it in the config instead')
            if 'load_from' in conversion.legacy and 'load_from' not in arguments:
                # a key MMEngine kept: the translator leaves it as it is
                arguments['load_from'] = _render(conversion.legacy['load_from'],
                                                 variables=variables)
            phases = conversion.legacy.get('workflow') or []
            train_cfg = translation.new.get('train_cfg')
            if 'val_dataloader' in arguments and isinstance(train_cfg, dict) and phases and \
                    phases[0][0] == 'train' and phases[0][1] != 1:
                # MMCV ran n train epochs between val epochs
                train_cfg = dict(train_cfg, val_interval=phases[0][1])
                arguments['train_cfg'] = _render(train_cfg, len('train_cfg') + 5, 4, variables)
            if 'custom_hooks' in conversion.legacy:
                arguments['custom_hooks'] = _render(conversion.legacy['custom_hooks'],
                                                    len('custom_hooks') + 5, 4, variables)
        drop_auto_resume(conversion, body, start,
                         lambda s: s is None or s is REMOVED, self._find)
        if conversion.custom_hooks_loop is not None and \
                arguments.pop('custom_hooks', None) is not None:
            self._find(conversion.custom_hooks_loop, 'runner-custom-hooks-once', 'info',
                       'custom_hooks', 'this statement registers the custom hooks itself, so '
                       'Runner(...) does not get custom_hooks as well (each hook runs once)')
        self._drop_unused_assignments(conversion, body, start)
        pre = []  # statements the Runner needs above it
        if conversion.validation is not None:
            arguments.update(runner_arguments(conversion.validation))
            conversion.remove.add(conversion.validation.index)
            if conversion.validation.hoisted is not None:
                pre.append(conversion.validation.hoisted)
            self.needs_compat_evaluation = True
        if conversion.model_wrapper is not None and conversion.config_object is not None:
            # the Runner keeps the whole config (dumped to work_dir, read for
            # sync_bn, ...): the wrapper goes into it
            prefix = f'{conversion.config_object}.model_wrapper_cfg = '
            text = prefix + wrapper_source(conversion.model_wrapper, prefix) + '\n'
        elif conversion.model_wrapper is not None:
            text = ''
            prefix = '    cfg=dict(model_wrapper_cfg='
            wrapper = wrapper_source(conversion.model_wrapper, prefix, indent=4)
            arguments['cfg'] = f'dict(model_wrapper_cfg={wrapper})'
        else:
            text = ''
        ordered = [(k, arguments[k]) for k in RUNNER_ARGUMENTS if k in arguments]
        text += f'{conversion.name} = Runner(\n' + ',\n'.join(
            f'    {k}={v}' for k, v in ordered) + ')\n'
        runner = pre + [cst.parse_statement(line) for line in _statements(text)]
        if not pre:
            runner[0] = runner[0].with_changes(leading_lines=body[start].leading_lines)
        else:  # the runner's own comments stay on it
            runner[len(pre)] = runner[len(pre)].with_changes(
                leading_lines=body[start].leading_lines)
        # validation runs inside train() every val_interval epochs, as the
        # workflow's val phase did
        calls = [f'{conversion.name}.train()']
        run_line = body[run]
        replacement = [cst.parse_statement(c + '\n') for c in calls]
        replacement[0] = replacement[0].with_changes(leading_lines=run_line.leading_lines)
        out, carried = [], []  # blank lines and comments of dropped statements
        for index, statement in enumerate(body):
            if index == start:
                out.extend(runner[:-1])
                statement = runner[-1]
            elif index == run:
                out.extend(replacement)
                continue
            elif statement is REMOVED or index in conversion.remove or statement is None:
                if statement is not None and statement is not REMOVED:
                    carried.extend(statement.leading_lines)
                continue
            if carried and not statement.leading_lines:
                statement = statement.with_changes(leading_lines=carried)
            carried = []
            out.append(statement)
        self.changes.append('Runner(...)')
        return out

    def _drop_unused_assignments(self, conversion, body: list, start: int) -> None:
        """``logger = get_logger(...)`` / ``optimizer = build_optimizer(...)``
        that only the old runner read: the MMEngine Runner builds its own
        (and the converted config has no ``optimizer`` key to build from)."""
        for name in conversion.dropped_names:
            assigned = [i for i in range(start) if assigns_name(body[i], name)]
            if len(assigned) != 1:
                continue
            others = [s for i, s in enumerate(body) if i not in (assigned[0], start)
                      and i not in conversion.remove and s is not None and s is not REMOVED]
            if any(name_count(s, name) for s in others):
                continue
            value = single_statement(body[assigned[0]], cst.Assign).value
            if isinstance(value, cst.Call):
                self.consumed.add(dotted(value.func))
            conversion.remove.add(assigned[0])

    def _find(self, node, rule: str, severity: str, key: str, message: str) -> None:
        self.findings.append(self._lines.finding(node, rule, severity, key, message))




def _render(value, column: int = 0, indent: int = 0, variables=frozenset()) -> str:
    return render(value, column, indent, variables)


def convert_runners(module: cst.Module, tree=None, text: Optional[str] = None
                    ) -> Dict[str, object]:
    """Apply the transform: {'module', 'findings', 'changes', 'consumed'}.
    ``tree`` / ``text``: the stdlib tree and text ``module`` was parsed from,
    so definitions that build no runner are not walked."""
    lines = LineResolver(module)
    to_visit = definitions_to_visit(text, tree, ('Runner', 'build_runner')) \
        if tree is not None else None
    transformer = RunnerScripts(lines, to_visit)
    new_module = module.visit(transformer)
    lines.resolve()
    return dict(module=new_module, findings=transformer.findings,
                changes=transformer.changes, consumed=transformer.consumed,
                consumed_project=transformer.consumed_project,
                wraps_own_step=transformer.wraps_own_step)
