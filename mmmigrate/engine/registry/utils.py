"""What the registries hold (``mmengine.registry`` utilities): a registry
tree's modules, and a census of every root registry, optionally saved as
``modules_statistic_results.json``."""
import datetime
import os.path as osp
from typing import Optional

from ..logging import print_log
from . import root as root_registries  # the module itself, whose names are the roots
from .default_scope import init_default_scope
from .registry import Registry

__all__ = ['count_registered_modules', 'init_default_scope', 'traverse_registry_tree']


def traverse_registry_tree(registry: Registry, verbose: bool = True) -> list:
    """One dict per registry of the tree ``registry`` is in, from its root
    down (depth first): ``num_modules``, ``scope``, and for each folder of
    the registered classes' modules (``mmengine/optim``), their names."""
    found = []
    pending = [registry.root]
    while pending:
        current = pending.pop()
        info = dict(num_modules=len(current.module_dict), scope=current.scope)
        for name, module in current.module_dict.items():
            folder = '/'.join(module.__module__.split('.')[:-1])
            info.setdefault(folder, []).append(name)
        if verbose:
            print_log(f"Find {info['num_modules']} modules in {current.scope}'s "
                      f"'{current.name}' registry ", logger='current')
        found.append(info)
        pending.extend(reversed(list(current.children.values())))  # first child first
    return found


def count_registered_modules(save_path: Optional[str] = None, verbose: bool = True) -> dict:
    """Every root registry's tree (:func:`traverse_registry_tree`), keyed by
    its name in ``registry.root``, with the time of the scan; saved to
    ``save_path/modules_statistic_results.json`` when a path is given."""
    registries = {name: traverse_registry_tree(value, verbose)
                  for name, value in sorted(vars(root_registries).items())
                  if not name.startswith('__') and isinstance(value, Registry)}
    result = dict(scan_date=datetime.datetime.now().strftime('%Y%m%d_%H%M%S'),
                  registries=registries)
    if verbose:
        print_log(f'Finish registry analysis, got: {result}', logger='current')
    if save_path is not None:
        from ..fileio import dump
        path = osp.join(save_path, 'modules_statistic_results.json')
        dump(result, path, indent=2)
        print_log(f'Result has been saved to {path}', logger='current')
    return result
