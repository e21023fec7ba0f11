"""How registries turn config dicts into objects."""
import inspect
from typing import Any, Optional

from ..utils import ManagerMixin
from .registry import Registry


class BuildError(TypeError):
    """A config's arguments do not fit the constructor of its ``type``."""


def _check_cfg(cfg, registry, default_args) -> None:
    if not isinstance(cfg, dict):
        raise TypeError(f'a config to build from the {registry.name!r} registry '
                        f'must be a dict, got {type(cfg).__name__}: {cfg!r}')
    if 'type' not in cfg and (default_args is None or 'type' not in default_args):
        raise KeyError(f'config for the {registry.name!r} registry has no "type" '
                       f'key: {dict(cfg)!r}')
    if not isinstance(registry, Registry):
        raise TypeError(f'registry must be a Registry, got {type(registry).__name__}')
    if default_args is not None and not isinstance(default_args, dict):
        raise TypeError(f'default_args must be a dict or None, got {type(default_args).__name__}')


def _resolve_type(obj_type, registry: Registry):
    if isinstance(obj_type, str):
        obj_cls = registry.get(obj_type)
        if obj_cls is None:
            raise registry.unknown_type_error(obj_type)
        return obj_cls
    if callable(obj_type):
        return obj_type
    raise TypeError(f'"type" must be a registered name or a class/function, '
                    f'got {obj_type!r}')


def _type_name(obj) -> str:
    return getattr(obj, '__name__', repr(obj))


def check_arguments(obj_cls, args: dict, registry: Registry) -> None:
    """Raise a ``BuildError`` naming the type, the offending key and the
    accepted keys when ``args`` cannot be passed to ``obj_cls``."""
    try:
        signature = inspect.signature(obj_cls)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(**args)
    except TypeError as e:
        accepted = [name for name, p in signature.parameters.items()
                    if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        raise BuildError(
            f'cannot build type={_type_name(obj_cls)!r} from the '
            f'{registry.name!r} registry: {e} (it accepts: {", ".join(accepted)})'
        ) from None


def instantiate(obj_cls, args: dict, registry: Registry):
    """Call ``obj_cls(**args)``; an error raised by the constructor gets a
    note naming the type and registry."""
    check_arguments(obj_cls, args, registry)
    try:
        if inspect.isclass(obj_cls) and issubclass(obj_cls, ManagerMixin):
            return obj_cls.get_instance(**args)
        return obj_cls(**args)
    except Exception as e:
        if hasattr(e, 'add_note'):
            e.add_note(f'(while building type={_type_name(obj_cls)!r} from the '
                       f'{registry.name!r} registry)')
        raise


def build_from_cfg(cfg: dict, registry: Registry, default_args: Optional[dict] = None) -> Any:
    """Build the object described by ``cfg``: ``cfg['type']`` (a registered
    name or a class/function) called with the other keys, after filling in
    ``default_args`` for keys ``cfg`` lacks. ``_scope_`` in ``cfg`` builds
    in that scope's registry."""
    _check_cfg(cfg, registry, default_args)
    args = dict(cfg)
    if default_args is not None:
        for key, value in default_args.items():
            args.setdefault(key, value)
    scope = args.pop('_scope_', None)
    with registry.switch_scope_and_registry(scope) as scoped:
        obj_cls = _resolve_type(args.pop('type'), scoped)
        return instantiate(obj_cls, args, scoped)


def build_model_from_cfg(cfg, registry: Registry, default_args: Optional[dict] = None):
    """Like ``build_from_cfg``; a list of configs becomes a ``Sequential``."""
    if isinstance(cfg, list):
        from ..model import Sequential
        return Sequential(*(build_from_cfg(c, registry, default_args) for c in cfg))
    return build_from_cfg(cfg, registry, default_args)


def build_optimizer_from_cfg(cfg, registry: Registry, default_args: Optional[dict] = None):
    return build_from_cfg(cfg, registry, default_args)


def build_scheduler_from_cfg(cfg, registry: Registry, default_args: Optional[dict] = None):
    """Build a parameter scheduler; with ``convert_to_iter_based=True`` an
    epoch-based config becomes an iteration-based scheduler through the
    class's ``build_iter_from_epoch`` (``epoch_length`` must be given)."""
    _check_cfg(cfg, registry, default_args)
    args = dict(cfg)
    if default_args is not None:
        for key, value in default_args.items():
            args.setdefault(key, value)
    scope = args.pop('_scope_', None)
    with registry.switch_scope_and_registry(scope) as scoped:
        if not args.pop('convert_to_iter_based', False):
            args.pop('epoch_length', None)
            obj_cls = _resolve_type(args.pop('type'), scoped)
            return instantiate(obj_cls, args, scoped)
        obj_cls = _resolve_type(args.pop('type'), scoped)
        if not args.get('by_epoch', True):
            raise ValueError(
                f'{_type_name(obj_cls)}: convert_to_iter_based=True needs an '
                'epoch-based scheduler, but by_epoch=False')
        if not args.get('epoch_length'):
            raise ValueError(
                f'{_type_name(obj_cls)}: convert_to_iter_based=True needs '
                'epoch_length (the number of iterations per epoch), which the '
                'runner passes from len(train_dataloader)')
        return obj_cls.build_iter_from_epoch(**args)


def build_runner_from_cfg(cfg, registry: Registry):
    """Build a runner from a whole config: ``runner_type`` (default
    ``'Runner'``) names the class, whose ``from_cfg`` reads the rest."""
    if not isinstance(cfg, dict):
        raise TypeError(f'a runner config must be a dict, got {type(cfg).__name__}')
    args = dict(cfg) if not hasattr(cfg, 'copy') else cfg.copy()
    scope = args.pop('_scope_', None)
    with registry.switch_scope_and_registry(scope) as scoped:
        runner_cls = _resolve_type(args.get('runner_type', 'Runner'), scoped)
        return runner_cls.from_cfg(args)
