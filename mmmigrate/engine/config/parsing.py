"""Reading one config file (and its ``_base_`` chain) into a plain dict.

Python configs are executed, as in MMEngine: a config is code the user
trusts. (The static converter in ``mmmigrate.migrate`` never executes them.)
"""
import ast
import copy
import os
import os.path as osp
import re
import sys
import traceback
import uuid
import warnings
from types import FunctionType, ModuleType
from typing import List, Optional, Tuple

from .config_dict import ConfigDict, merge_dicts
from .errors import (ConfigError, ConfigEvaluationError, ConfigFileNotFoundError,
                     ConfigFormatError, ConfigKeyError, ConfigSyntaxError, ConfigTypeError)

BASE_KEY = '_base_'
DEPRECATION_KEY = '_deprecation_'
RESERVED_KEYS = ('filename', 'text', 'pretty_text', 'env_variables')
SUFFIXES = ('.py', '.json', '.yaml', '.yml')

_BASE_VAR = re.compile(r'\{\{\s*' + BASE_KEY + r'\.([\w\.]+)\s*\}\}')
_ENV_VAR = re.compile(r'\{\{[\'"]?\s*\$(\w+)\s*:\s*(\S*?)\s*[\'"]?\}\}')


class ParsedFile:
    """What reading one file (with its bases) produced."""

    def __init__(self, cfg: dict, text: str, env_variables: dict, key_depths: dict):
        self.cfg = cfg
        self.text = text
        self.env_variables = env_variables
        # top-level key -> how far up the _base_ chain the value that won was
        # written (0: this file, 1: one of its bases, ...)
        self.key_depths = key_depths


def substitute_predefined_vars(text: str, filename: str) -> str:
    """Replace ``{{ fileDirname }}``, ``{{ fileBasename }}``,
    ``{{ fileBasenameNoExtension }}`` and ``{{ fileExtname }}``."""
    values = dict(
        fileDirname=osp.dirname(filename),
        fileBasename=osp.basename(filename),
        fileBasenameNoExtension=osp.splitext(osp.basename(filename))[0],
        fileExtname=osp.splitext(filename)[1])
    for key, value in values.items():
        value = value.replace('\\', '/')
        text = re.sub(r'\{\{\s*' + key + r'\s*\}\}', lambda _m, v=value: v, text)
    return text


def substitute_env_vars(text: str, filename: str) -> Tuple[str, dict]:
    """Replace ``{{$NAME:default}}`` by the environment variable or default."""
    used = {}

    def replace(match):
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            used[name] = os.environ[name]
            return os.environ[name]
        if not default:
            line = text.count('\n', 0, match.start()) + 1
            raise ConfigKeyError(
                f'environment variable {name} is not set and has no default; '
                f'set it or write {{{{${name}:default}}}}', filename, line)
        return default

    return _ENV_VAR.sub(replace, text), used


def placeholder_base_vars(text: str) -> Tuple[str, dict]:
    """Turn ``{{_base_.a.b}}`` into unique string placeholders (resolved
    after the file is evaluated, once the bases are known)."""
    placeholders = {}

    def replace(match):
        key = f'_{match.group(1)}_{uuid.uuid4().hex[:6]}'
        placeholders[key] = match.group(1)
        return f'"{key}"'

    return _BASE_VAR.sub(replace, text), placeholders


def _lookup_base(base: dict, dotted: str, filename: str):
    value = base
    for part in dotted.split('.'):
        try:
            value = value[int(part)] if isinstance(value, (list, tuple)) else value[part]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ConfigKeyError(f'{{{{_base_.{dotted}}}}} does not exist in the '
                                 'base configs', filename) from None
    return copy.deepcopy(value)


def resolve_base_vars(cfg, placeholders: dict, base: dict, filename: str):
    """Replace the placeholders left by ``placeholder_base_vars``."""
    if isinstance(cfg, dict):
        return {k: resolve_base_vars(v, placeholders, base, filename) for k, v in cfg.items()}
    if isinstance(cfg, (list, tuple)):
        return type(cfg)(resolve_base_vars(v, placeholders, base, filename) for v in cfg)
    if isinstance(cfg, str) and cfg in placeholders:
        return _lookup_base(base, placeholders[cfg], filename)
    return cfg


def _parse_python(text: str, filename: str) -> ast.Module:
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as e:
        err = ConfigSyntaxError(f'invalid syntax in config: {e.msg}', filename, e.lineno)
        err.lineno, err.offset, err.text = e.lineno, e.offset, e.text
        raise err from None


def _assignments(tree: ast.Module) -> dict:
    """Top-level ``name = ...`` targets and their line numbers."""
    lines = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else [])
        for target in targets:
            if isinstance(target, ast.Name):
                lines.setdefault(target.id, node.lineno)
    return lines


def _base_files_of_python(tree: ast.Module, filename: str) -> Tuple[List[str], int]:
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == BASE_KEY):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                # MMEngine evaluates the expression (e.g. a list sum), with
                # nothing else of the config defined yet.
                try:
                    value = eval(compile(ast.Expression(node.value), filename, 'eval'),
                                 {'__builtins__': {}})
                except Exception as e:
                    raise ConfigTypeError(
                        f'_base_ must evaluate to a path or a list of paths on '
                        f'its own ({type(e).__name__}: {e})', filename, node.lineno) from None
            return value, node.lineno
    return [], 0


def _check_not_lazy(tree: ast.Module, filename: str) -> None:
    for node in tree.body:
        if isinstance(node, ast.With) and any(
                isinstance(item.context_expr, ast.Call)
                and getattr(item.context_expr.func, 'id', None) == 'read_base'
                for item in node.items):
            raise ConfigError(
                'a pure-Python config (`with read_base():`) cannot be a `_base_` of a '
                'config; load it directly, or import it with `with read_base():`',
                filename, node.lineno)


def _execute(tree: ast.Module, filename: str, base: ConfigDict) -> dict:
    tree.body = [node for node in tree.body if not (
        isinstance(node, ast.Assign) and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name) and node.targets[0].id == BASE_KEY)]
    namespace = {BASE_KEY: base, '__file__': filename}
    try:
        exec(compile(tree, filename, 'exec'), namespace)
    except Exception as e:
        line = None
        for frame in reversed(traceback.extract_tb(e.__traceback__)):
            if frame.filename == filename:
                line = frame.lineno
                break
        raise ConfigEvaluationError(
            f'executing the config raised {type(e).__name__}: {e}', filename, line) from e
    return {key: value for key, value in namespace.items()
            if key != BASE_KEY and not key.startswith('__')
            and not isinstance(value, (FunctionType, ModuleType))}


def _load_data_file(text: str, filename: str) -> dict:
    try:
        if filename.endswith('.json'):
            import json
            data = json.loads(text)
        else:
            import yaml
            data = yaml.safe_load(text)
    except Exception as e:
        line = getattr(e, 'lineno', None) or getattr(getattr(e, 'problem_mark', None), 'line', None)
        raise ConfigSyntaxError(f'cannot parse config: {e}', filename,
                                line + 1 if isinstance(line, int) and not filename.endswith('.json') else line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigTypeError(f'a config must be a mapping at the top level, got '
                              f'{type(data).__name__}', filename)
    return data


def resolve_base_path(base: str, filename: str, lineno: int) -> str:
    if not isinstance(base, str):
        raise ConfigTypeError(f'_base_ entries must be file paths, got {base!r}', filename, lineno)
    if '::' in base:
        return resolve_external_path(base, filename, lineno)
    path = osp.normpath(osp.join(osp.dirname(filename), osp.expanduser(base)))
    if not osp.isfile(path):
        raise ConfigFileNotFoundError(
            f'base config {base!r} not found (looked for {path})', filename, lineno)
    return path


def resolve_external_path(name: str, filename: Optional[str], lineno: Optional[int]) -> str:
    """The file of an external config ``package::path/to/cfg.py`` inside the
    installed package's ``.mim/configs``."""
    from ..utils import get_installed_path
    from .utils import _get_external_cfg_base_path, _get_package_and_cfg_path
    try:
        package, relative = _get_package_and_cfg_path(name)
        return _get_external_cfg_base_path(get_installed_path(package), relative)
    except (ValueError, AssertionError) as e:
        raise ConfigError(str(e), filename, lineno) from None
    except FileNotFoundError as e:
        raise ConfigFileNotFoundError(
            f'external config {name!r} not found ({e}); install the package that ships it',
            filename, lineno) from None


def read_config_file(filename: str,
                     use_predefined_variables: bool = True,
                     use_environment_variables: bool = True,
                     _chain: Tuple[str, ...] = ()) -> ParsedFile:
    """Read ``filename`` with its whole ``_base_`` chain into a plain dict."""
    filename = osp.abspath(osp.expanduser(filename))
    if not osp.isfile(filename):
        where = _chain[-1] if _chain else None
        raise ConfigFileNotFoundError(f'config file {filename} does not exist', where)
    if osp.splitext(filename)[1] not in SUFFIXES:
        raise ConfigFormatError(f'unsupported config type; use one of {", ".join(SUFFIXES)}',
                                filename)
    if filename in _chain:
        cycle = ' -> '.join(list(_chain[_chain.index(filename):]) + [filename])
        raise ConfigError(f'_base_ files form a cycle: {cycle}', filename)
    with open(filename, encoding='utf-8') as f:
        original = f.read()

    text = original
    if use_predefined_variables:
        text = substitute_predefined_vars(text, filename)
    env_variables = {}
    if use_environment_variables:
        text, env_variables = substitute_env_vars(text, filename)
    text, placeholders = placeholder_base_vars(text)

    if filename.endswith('.py'):
        tree = _parse_python(text, filename)
        _check_not_lazy(tree, filename)
        base_files, base_line = _base_files_of_python(tree, filename)
        key_lines = _assignments(tree)
    else:
        data = _load_data_file(text, filename)
        base_files, base_line, key_lines = data.pop(BASE_KEY, []), 0, {}
    if isinstance(base_files, str):
        base_files = [base_files]

    base_cfg: dict = {}
    base_origin: dict = {}
    base_depths: dict = {}
    texts = []
    for base in base_files:
        path = resolve_base_path(base, filename, base_line)
        parsed = read_config_file(path, use_predefined_variables,
                                  use_environment_variables, _chain + (filename, ))
        texts.append(parsed.text)
        env_variables.update(parsed.env_variables)
        duplicated = sorted(set(base_cfg) & set(parsed.cfg))
        if duplicated:
            others = sorted({base_origin[k] for k in duplicated})
            raise ConfigKeyError(
                f'keys {duplicated} are defined in more than one base config '
                f'({", ".join(others)} and {path}); a key may come from one base only',
                filename, base_line)
        base_cfg.update(parsed.cfg)
        base_origin.update({k: path for k in parsed.cfg})
        base_depths.update({k: depth + 1 for k, depth in parsed.key_depths.items()})

    if filename.endswith('.py'):
        # As in MMEngine, the config sees the very base it is merged into:
        # `del _base_.model` or `_base_.model.pop('x')` change what it inherits.
        base_cfg = ConfigDict(base_cfg)
        cfg = _execute(tree, filename, base_cfg)
    else:
        cfg = data
    for key in RESERVED_KEYS:
        if key in cfg:
            raise ConfigKeyError(f'{key} is reserved for config file; rename the key',
                                 filename, key_lines.get(key))

    if DEPRECATION_KEY in cfg:
        info = cfg.pop(DEPRECATION_KEY) or {}
        msg = f'The config file {filename} will be deprecated in the future.'
        if 'expected' in info:
            msg += f' Please use {info["expected"]} instead.'
        if 'reference' in info:
            msg += f' More information can be found at {info["reference"]}'
        warnings.warn(msg, DeprecationWarning)

    cfg = resolve_base_vars(cfg, placeholders, base_cfg, filename)
    key_depths = {k: d for k, d in base_depths.items() if k in base_cfg}
    key_depths.update({k: 0 for k in cfg})
    try:
        cfg = merge_dicts(cfg, base_cfg)
    except TypeError as e:
        raise ConfigTypeError(str(e), filename) from None
    cfg = {k: v for k, v in cfg.items() if not str(k).startswith('__')}
    texts.append(f'{filename}\n{original}')
    return ParsedFile(cfg, '\n'.join(texts), env_variables,
                      {k: d for k, d in key_depths.items() if k in cfg})


def import_custom_modules(custom_imports, filename: Optional[str]) -> None:
    """Import ``custom_imports=dict(imports=[...], allow_failed_imports=False)``."""
    from ..utils import import_modules_from_strings
    if not isinstance(custom_imports, dict) or 'imports' not in custom_imports:
        raise ConfigTypeError('custom_imports must be dict(imports=[...], '
                              'allow_failed_imports=False)', filename)
    try:
        import_modules_from_strings(**custom_imports)
    except ImportError as e:
        paths = ''.join(f'\n    {p}' for p in sys.path)
        raise ImportError(
            f'{filename}: Failed to import custom modules from {custom_imports["imports"]}: '
            f'{e}. '
            f'Make the module importable (set PYTHONPATH); sys.path is:{paths}') from e
