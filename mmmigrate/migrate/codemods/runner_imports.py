"""Import clean-up after the runner conversion: MMCV's ``Runner`` alias
and ``import mmcv.runner`` once nothing reads it."""
import libcst as cst

from .edits import dotted, without_names


def drop_mmcv_runner_alias(module: cst.Module) -> cst.Module:
    """``from mmcv.runner import Runner`` named MMCV's deprecated alias of
    EpochBasedRunner; the converted code means MMEngine's Runner."""
    class Drop(cst.CSTTransformer):
        def leave_ImportFrom(self, original, updated):
            module_name = dotted(updated.module) if updated.module is not None else ''
            if not (module_name or '').startswith('mmcv.runner') or \
                    isinstance(updated.names, cst.ImportStar):
                return updated
            return without_names(
                updated, lambda a: dotted(a.name) == 'Runner' and a.asname is None)

    return module.visit(Drop())


def drop_unused_module_import(module: cst.Module, name: str) -> cst.Module:
    """``import mmcv.runner`` when the converted code no longer reads
    ``mmcv.runner.X`` (MMCV 2.x has no such module: the import would fail)."""
    class Uses(cst.CSTVisitor):
        found = False

        def visit_Import(self, node) -> bool:
            return False

        def visit_Attribute(self, node) -> bool:
            if (dotted(node) or '').startswith(name + '.'):
                self.found = True
            return True

    class Drop(cst.CSTTransformer):
        def leave_Import(self, original, updated):
            return without_names(updated,
                                 lambda a: dotted(a.name) == name and a.asname is None)

    uses = Uses()
    module.visit(uses)
    return module if uses.found else module.visit(Drop())
