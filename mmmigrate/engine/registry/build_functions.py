"""How registries turn config dicts into objects."""
import inspect
from typing import Any, Optional

from ..utils import ManagerMixin
from .registry import Registry


class BuildError(TypeError):
    """A config's arguments do not fit the constructor of its ``type``."""


def _merged_args(cfg, registry, default_args) -> dict:
    """Validate ``cfg`` and return its keys completed by ``default_args``."""
    _check_cfg(cfg, registry, default_args)
    args = dict(cfg._cfg_dict if _is_config(cfg) else cfg)
    for key, value in (default_args or {}).items():
        args.setdefault(key, value)
    return args


def _is_config(cfg) -> bool:
    from ..config import Config
    return isinstance(cfg, Config)


def _check_cfg(cfg, registry, default_args) -> None:
    if not isinstance(cfg, dict) and not _is_config(cfg):
        raise TypeError(f'cfg should be a dict, ConfigDict or Config, but got {type(cfg)} '
                        f'(building from the {registry.name!r} registry: {cfg!r})')
    if 'type' not in cfg and (default_args is None or 'type' not in default_args):
        raise KeyError(f'`cfg` or `default_args` must contain the key "type" (building '
                       f'from the {registry.name!r} registry), but got {dict(cfg)!r}')
    if not isinstance(registry, Registry):
        raise TypeError('registry must be a mmengine.Registry object, but got '
                        f'{type(registry)}')
    if default_args is not None and not isinstance(default_args, dict) \
            and not _is_config(default_args):
        raise TypeError(f'default_args must be a dict or None, got {type(default_args).__name__}')


def _resolve_type(obj_type, registry: Registry):
    if isinstance(obj_type, str):
        obj_cls = registry.get(obj_type)
        if obj_cls is None:
            raise registry.unknown_type_error(obj_type)
        return obj_cls
    if callable(obj_type):
        return obj_type
    raise TypeError(f'type must be a str or valid type, but got {type(obj_type)} '
                    f'({obj_type!r}): a registered name or a class/function')


def _type_name(obj) -> str:
    return getattr(obj, '__name__', repr(obj))


def accepted_arguments(obj_cls) -> list:
    """Argument names ``obj_cls`` accepts, following ``*args, **kwargs``
    pass-through constructors (mixins) along the MRO."""
    functions = ([klass.__dict__['__init__'] for klass in obj_cls.__mro__
                  if '__init__' in klass.__dict__ and klass is not object]
                 if inspect.isclass(obj_cls) else [obj_cls])
    names = []
    for func in functions:
        try:
            params = inspect.signature(func).parameters.values()
        except (TypeError, ValueError):
            break
        names += [p.name for p in params if p.name not in names and p.name != 'self'
                  and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            break
    return names


def _argument_error(obj_cls, registry: Registry, error: Exception) -> BuildError:
    return BuildError(
        f'cannot build type={_type_name(obj_cls)!r} from the {registry.name!r} registry: '
        f'{error} (it accepts: {", ".join(accepted_arguments(obj_cls))})')


def _is_exact(signature: inspect.Signature) -> bool:
    return not any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                   for p in signature.parameters.values())


def instantiate(obj_cls, args: dict, registry: Registry):
    """Call ``obj_cls(**args)``. Arguments that do not fit the constructor
    raise a ``BuildError`` naming the type, the key and the accepted keys;
    other errors raised by the constructor get a note naming the type."""
    try:
        signature = inspect.signature(obj_cls)
    except (TypeError, ValueError):
        signature = None
    if signature is not None and _is_exact(signature):
        try:
            signature.bind(**args)
        except TypeError as e:
            raise _argument_error(obj_cls, registry, e) from None
    try:
        if inspect.isclass(obj_cls) and issubclass(obj_cls, ManagerMixin):
            return obj_cls.get_instance(**args)
        return obj_cls(**args)
    except TypeError as e:
        text = str(e)
        if 'unexpected keyword argument' in text or 'required positional argument' in text:
            raise _argument_error(obj_cls, registry, e) from e
        _note(e, obj_cls, registry)
        raise
    except Exception as e:
        _note(e, obj_cls, registry)
        raise


def _note(error: Exception, obj_cls, registry: Registry) -> None:
    if hasattr(error, 'add_note'):
        error.add_note(f'(while building type={_type_name(obj_cls)!r} from the '
                       f'{registry.name!r} registry)')


def build_from_cfg(cfg: dict, registry: Registry, default_args: Optional[dict] = None) -> Any:
    """Build the object described by ``cfg``: ``cfg['type']`` (a registered
    name or a class/function) called with the other keys, after filling in
    ``default_args`` for keys ``cfg`` lacks. ``_scope_`` in ``cfg`` builds
    in that scope's registry."""
    args = _merged_args(cfg, registry, default_args)
    with registry.switch_scope_and_registry(args.pop('_scope_', None)) as scoped:
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
    args = _merged_args(cfg, registry, default_args)
    with registry.switch_scope_and_registry(args.pop('_scope_', None)) as scoped:
        obj_cls = _resolve_type(args.pop('type'), scoped)
        if not args.pop('convert_to_iter_based', False):
            args.pop('epoch_length', None)
            return instantiate(obj_cls, args, scoped)
        # AssertionError, as MMEngine raises.
        if not args.get('by_epoch', True):
            raise AssertionError(
                f'{_type_name(obj_cls)}: convert_to_iter_based=True needs an '
                'epoch-based scheduler, but by_epoch=False')
        if not args.get('epoch_length'):
            raise AssertionError(
                f'{_type_name(obj_cls)}: convert_to_iter_based=True needs '
                'epoch_length (the number of iterations per epoch), which the '
                'runner passes from len(train_dataloader)')
        return obj_cls.build_iter_from_epoch(**args)


def build_runner_from_cfg(cfg, registry: Registry):
    """Build a runner from a whole config: ``runner_type`` (default
    ``'Runner'``) names the class, whose ``from_cfg`` reads the rest."""
    if not isinstance(cfg, dict) and not _is_config(cfg):
        raise TypeError(f'cfg should be a dict, ConfigDict or Config, but got {type(cfg)} '
                        '(building a runner)')
    args = cfg.copy()
    with registry.switch_scope_and_registry(args.pop('_scope_', None)) as scoped:
        runner_cls = _resolve_type(args.get('runner_type', 'Runner'), scoped)
        return runner_cls.from_cfg(args)
