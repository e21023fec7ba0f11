"""Registering and calling hooks: the hook methods of the Runner, as a
mixin of ``Runner``."""
from typing import Dict, List, Optional, Union

from ..hooks import Hook, Priority, get_priority
from ..hooks.hook import hooks_for_stage
from ..registry import HOOKS


class RunnerHooks:
    """``register_hook`` and friends and ``call_hook`` of ``Runner``."""

    def call_hook(self, fn_name: str, **kwargs) -> None:
        """Call ``fn_name`` on every hook that has it, in priority order.

        Hooks whose method for a standard stage is the base class's no-op are
        skipped (the list per stage is computed once per set of hooks)."""
        hooks = self._hooks_by_stage.get(fn_name)
        if hooks is None:
            hooks = self._hooks_by_stage[fn_name] = hooks_for_stage(self._hooks, fn_name)
        for hook in hooks:
            try:
                getattr(hook, fn_name)(self, **kwargs)
            except (TypeError, AssertionError) as e:  # a bad value: name the hook
                raise (TypeError if isinstance(e, TypeError) else AssertionError)(
                    f'{e} in {hook}') from None

    call_hooks = call_hook  # the spelling seed 001 uses

    def register_hook(self, hook: Union[Hook, Dict],
                      priority: Optional[Union[str, int, Priority]] = None) -> None:
        """Insert ``hook`` (an object or a config) after every hook with a
        priority value lower or equal; ``priority`` (or the config's
        ``priority`` key) overrides the hook's own."""
        if not isinstance(hook, (Hook, dict)):
            raise TypeError(f'hook should be an instance of Hook or dict, but got '
                            f'{type(hook).__name__}')
        config_priority = None
        if isinstance(hook, dict):
            hook = dict(hook)
            config_priority = hook.pop('priority', None)
            hook = HOOKS.build(hook)
        if priority is not None:
            hook.priority = priority
        elif config_priority is not None:
            hook.priority = config_priority
        self._hooks_by_stage = {}
        value = get_priority(hook.priority)
        for index in range(len(self._hooks) - 1, -1, -1):
            if value >= get_priority(self._hooks[index].priority):
                self._hooks.insert(index + 1, hook)
                return
        self._hooks.insert(0, hook)

    def register_default_hooks(self, hooks: Optional[Dict[str, Union[Hook, Dict]]] = None) -> None:
        """The default hooks, updated by ``hooks`` (``None`` removes one)."""
        defaults: dict = dict(
            runtime_info=dict(type='RuntimeInfoHook'), timer=dict(type='IterTimerHook'),
            sampler_seed=dict(type='DistSamplerSeedHook'), logger=dict(type='LoggerHook'),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=dict(type='CheckpointHook', interval=1))
        for name, hook in (hooks or {}).items():
            if hook is None:
                if name not in defaults:
                    raise KeyError(f'default_hooks.{name}=None removes nothing: the default '
                                   f'hooks are {list(defaults)}')
                defaults.pop(name)
            else:
                defaults[name] = hook
        for hook in defaults.values():
            self.register_hook(hook)

    def register_custom_hooks(self, hooks: List[Union[Hook, Dict]]) -> None:
        for hook in hooks:
            self.register_hook(hook)

    def register_hooks(self, default_hooks=None, custom_hooks=None) -> None:
        self.register_default_hooks(default_hooks)
        if custom_hooks is not None:
            self.register_custom_hooks(custom_hooks)

    def get_hooks_info(self) -> str:
        stage_hooks: Dict[str, list] = {stage: [] for stage in Hook.stages}
        for hook in self.hooks:
            try:
                priority = Priority(get_priority(hook.priority)).name
            except ValueError:
                priority = hook.priority
            for stage in hook.get_triggered_stages():
                stage_hooks.setdefault(stage, []).append(
                    f'({priority:<12}) {type(hook).__name__:<35}')
        return '\n'.join(f'{stage}:\n' + '\n'.join(infos) + '\n -------------------- '
                         for stage, infos in stage_hooks.items() if infos)
