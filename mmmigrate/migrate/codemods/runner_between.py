"""The statements between a legacy runner's construction and its
``run(...)`` that are neither runner method calls nor hook registration
helpers (``runner.py`` reads those): attribute assignments, a train API's
own custom-hooks loop, and auto-resume.
"""
import ast
import re
import textwrap

import libcst as cst

from .edits import name_count
from .script_statements import assigns_attribute, code_of, single_statement


def read_statement(conversion, statement, original, index: int, find) -> None:
    """A statement between the runner and ``run()`` that is not a call
    of one of the runner's methods."""
    code = code_of(statement)
    name = conversion.name
    if assigns_attribute(statement, name):
        assign = single_statement(statement, cst.Assign)
        if assign is not None and len(assign.targets) == 1 and \
                code_of(assign.targets[0].target) == f'{name}.timestamp':
            # MMCV named the .log and .log.json files after it; MMEngine's
            # Runner names its log files with its own timestamp
            conversion.remove.add(index)
            find(original, 'runner-timestamp', 'info', name,
                 f'{code_of(assign).strip()} dropped: the MMEngine Runner\'s timestamp is '
                 'a read-only property and already names its log files')
            return
        find(original, 'runner-attribute-set', 'warning', name,
             f'{code.strip().splitlines()[-1]}: MMEngine Runner attributes are read-only '
             'properties; pass the value to Runner(...) instead')
    elif 'custom_hooks' in code and f'{name}.register_hook(' in code:
        conversion.custom_hooks_loop = original
    elif decides_auto_resume(code):
        # `if cfg.resume_from is None and cfg.get('auto_resume'): ...`:
        # converted configs say it themselves (auto_resume -> resume=True,
        # which Runner(...) reads); only with the config object's keys
        conversion.auto_resume.append((index, original))
    elif re.search(r'\b\w+\.(resume_from|load_from|resume|auto_resume)\s*=[^=]', code):
        find(original, 'runner-config-after-build', 'warning', name,
             'this sets where to resume from after the Runner is built: MMEngine reads '
             'load_from / resume in Runner(...), so move it above the Runner (converted '
             'configs have load_from and resume, not resume_from)')


def drop_auto_resume(conversion, body: list, start: int, dropped, find) -> None:
    """Drop the auto-resume statements when the Runner reads load_from /
    resume from the converted config (which holds auto_resume as
    resume=True), unless their resume_from is read elsewhere; else they
    are a finding (they act after the Runner is built)."""
    indexes = {index for index, _ in conversion.auto_resume}
    others = [s for i, s in enumerate(body) if i not in indexes and i != start and
              i not in conversion.remove and not dropped(s)]
    droppable = conversion.config_object is not None and \
        not any(name_count(s, 'resume_from') for s in others)
    for index, original in conversion.auto_resume:
        if droppable:
            conversion.remove.add(index)
            find(original, 'runner-auto-resume', 'info', 'auto_resume',
                 'auto-resume dropped: the converted config holds it (auto_resume becomes '
                 'resume=True, resume_from becomes load_from + resume), and Runner(...) '
                 'reads load_from / resume from it')
        else:
            find(original, 'runner-config-after-build', 'warning', conversion.name,
                 'this decides where to resume from after the Runner is built: MMEngine '
                 'reads load_from / resume in Runner(...), so move it above the Runner')


def decides_auto_resume(code: str) -> bool:
    """Whether a statement only computes where to resume from: it assigns
    nothing but ``resume_from`` / ``<cfg>.resume_from``, calls nothing but
    ``find_latest_checkpoint`` and ``<cfg>.get``, and holds no loop,
    ``with`` or function."""
    if 'resume' not in code:
        return False
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return False
    targets = [t for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AugAssign))
               for t in (node.targets if isinstance(node, ast.Assign) else [node.target])]
    calls = [node.func for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return bool(targets) and all(
        isinstance(t, ast.Name) and t.id == 'resume_from' or
        isinstance(t, ast.Attribute) and t.attr == 'resume_from' for t in targets) and all(
        isinstance(f, ast.Name) and f.id == 'find_latest_checkpoint' or
        isinstance(f, ast.Attribute) and f.attr == 'get' for f in calls) and \
        not any(isinstance(n, (ast.For, ast.While, ast.FunctionDef, ast.With))
                for n in ast.walk(tree))
