"""The code layout rules of the project (DESIGN.md): no source file over 600
lines, and no import circle between the modules of the package (imports at
module level; an import inside a function runs later and is not a circle)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / 'mmmigrate'
MAX_LINES = 600


def _modules() -> dict:
    found = {}
    for path in PACKAGE.rglob('*.py'):
        name = '.'.join(path.relative_to(PACKAGE.parent).with_suffix('').parts)
        found[name[:-len('.__init__')] if name.endswith('.__init__') else name] = path
    return found


def _imports(module: str, path: Path, modules: dict) -> set:
    package = module if path.name == '__init__.py' else module.rsplit('.', 1)[0]
    found = set()
    statements = []
    for node in ast.parse(path.read_text(encoding='utf-8')).body:
        statements.extend(node.body if isinstance(node, ast.Try) else [node])
    for node in statements:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split('.')
                base = '.'.join(parts[:len(parts) - node.level + 1])
                target = base + ('.' + node.module if node.module else '')
            else:
                target = node.module or ''
            submodules = {f'{target}.{a.name}' for a in node.names
                          if f'{target}.{a.name}' in modules}
            if len(submodules) == len(node.names):  # `from . import x`: only x
                found |= submodules
            else:
                found |= submodules | ({target} if target in modules else set())
    return found - {module}


def test_no_source_file_is_over_600_lines():
    long = {str(path.relative_to(PACKAGE.parent)): n for path in PACKAGE.rglob('*.py')
            if (n := len(path.read_text(encoding='utf-8').splitlines())) > MAX_LINES}
    assert not long, f'split these files (one concern per module): {long}'


def test_no_import_circle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    assert graph['mmmigrate.engine.runner.runner'], 'the import scan found no imports'
    circles = []
    state: dict = {}  # module -> 'open' while on the path, 'done' when finished

    def visit(name: str, path: list) -> None:
        state[name] = 'open'
        for target in sorted(graph[name]):
            if state.get(target) == 'open':
                circles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[name] = 'done'

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, 'import circles: ' + '; '.join(' -> '.join(c) for c in circles[:5])
