"""Which files ``mmmigrate config`` / ``convert`` look at.

Files named on the command line are always taken (unless ``--exclude``
matches them). Folders are walked for ``*.py`` files, skipping what a
project never wants rewritten: version-control and tool folders, virtual
environments, and whatever the ``.gitignore`` files in the walked tree say
(read with git's rules: ``#`` comments, ``!`` negation, a trailing ``/`` for
folders only, a ``/`` inside the pattern anchors it to the ``.gitignore``'s
folder, ``*``, ``?``, ``[...]`` and ``**``). ``--include`` / ``--exclude``
globs match the path relative to the folder given (or the file's name).
"""
import fnmatch
import os
import re
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

# never walked into: they hold no project sources, or other tools' copies of them
SKIPPED_FOLDERS = frozenset({
    '.git', '.hg', '.svn', '.bzr', '.tox', '.nox', '.venv', 'venv', '.eggs', '__pycache__',
    '.mypy_cache', '.pytest_cache', '.ruff_cache', 'node_modules', 'site-packages',
    '__pypackages__'})


class GitIgnore:
    """The patterns of one ``.gitignore`` file, for paths below its folder."""

    def __init__(self, folder: Path, lines: Sequence[str]):
        self.folder = folder
        self.rules: List[Tuple[re.Pattern, bool, bool]] = []  # (regex, negated, folders only)
        for raw in lines:
            line = raw.rstrip('\n').rstrip('\r')
            if not line.strip() or line.startswith('#'):
                continue
            line = line.rstrip() if not line.endswith('\\ ') else line
            negated = line.startswith('!')
            if negated:
                line = line[1:]
            if line.startswith('\\'):
                line = line[1:]
            folders_only = line.endswith('/')
            line = line.rstrip('/')
            if not line:
                continue
            anchored = '/' in line
            self.rules.append((_compile(line.lstrip('/'), anchored), negated, folders_only))

    @classmethod
    def read(cls, folder: Path) -> Optional['GitIgnore']:
        path = folder / '.gitignore'
        try:
            return cls(folder, path.read_text(encoding='utf-8', errors='replace').splitlines())
        except OSError:
            return None

    def decides(self, relative: str, is_folder: bool) -> Optional[bool]:
        """True (ignored), False (re-included by ``!``) or None (no rule)."""
        verdict = None
        for regex, negated, folders_only in self.rules:
            if folders_only and not is_folder:
                continue
            if regex.match(relative):
                verdict = not negated
        return verdict


def _compile(pattern: str, anchored: bool) -> re.Pattern:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith('**/', i):
            out.append('(?:.*/)?')
            i += 3
        elif pattern.startswith('/**', i) and i + 3 == len(pattern):
            out.append('/.*')
            i += 3
        elif pattern[i] == '*':
            out.append('[^/]*')
            i += 1
        elif pattern[i] == '?':
            out.append('[^/]')
            i += 1
        elif pattern[i] == '[':
            end = pattern.find(']', i + 1)
            if end == -1:
                out.append(re.escape('['))
                i += 1
            else:
                body = pattern[i + 1:end].replace('\\', '\\\\')
                if body.startswith('!'):
                    body = '^' + body[1:]
                out.append(f'[{body}]')
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    prefix = '' if anchored else '(?:.*/)?'
    return re.compile(prefix + ''.join(out) + '$')


def _glob_match(relative: str, globs: Sequence[str]) -> bool:
    name = relative.rsplit('/', 1)[-1]
    return any(fnmatch.fnmatchcase(relative, g) or fnmatch.fnmatchcase(name, g)
               or fnmatch.fnmatchcase(relative, g.rstrip('/') + '/*') for g in globs)


def select_python_files(paths: List[Path], include: Sequence[str] = (),
                        exclude: Sequence[str] = (), gitignore: bool = True) -> List[Path]:
    """The .py files named, and the .py files under the folders named that
    neither a .gitignore, nor ``exclude``, nor a missing ``include`` match."""
    found = []
    for path in paths:
        if path.is_dir():
            found.extend(_walk(path, include, exclude, gitignore))
        elif path.exists():
            if not _glob_match(path.as_posix(), exclude):
                found.append(path)
        else:
            raise FileNotFoundError(f'{path}: no such file or folder')
    return found


def _walk(root: Path, include, exclude, use_gitignore: bool) -> List[Path]:
    found = []
    ignores: List[GitIgnore] = []
    if use_gitignore:  # .gitignore files above the root apply too, up to the repository top
        for parent in reversed(_parents_in_repository(root)):
            rules = GitIgnore.read(parent)
            if rules is not None:
                ignores.append(rules)
    top = root.resolve()
    stack = [(top, ignores)]
    while stack:
        folder, inherited = stack.pop()
        rules = GitIgnore.read(folder) if use_gitignore else None
        active = inherited + [rules] if rules is not None else inherited
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            is_folder = entry.is_dir(follow_symlinks=False)
            relative = path.relative_to(top).as_posix()
            if is_folder and entry.name in SKIPPED_FOLDERS:
                continue
            if _ignored(path, is_folder, active) or _glob_match(relative, exclude):
                continue
            if is_folder:
                subfolders.append((path, active))
            elif entry.name.endswith('.py') and entry.is_file() and (
                    not include or _glob_match(relative, include)):
                found.append(root / relative)  # as the user spelled the folder
        stack.extend(reversed(subfolders))
    return sorted(found)


def _ignored(path: Path, is_folder: bool, ignores: List[GitIgnore]) -> bool:
    verdict = False
    for rules in ignores:  # deeper .gitignore files come later and win
        try:
            relative = path.relative_to(rules.folder).as_posix()
        except ValueError:
            continue
        decided = rules.decides(relative, is_folder)
        if decided is not None:
            verdict = decided
    return verdict


def _parents_in_repository(root: Path) -> List[Path]:
    """The folders above ``root`` up to the one holding ``.git`` (none when
    ``root`` is not inside a git repository)."""
    root = root.resolve()
    parents = []
    for parent in root.parents:
        parents.append(parent)
        if (parent / '.git').exists():
            return parents
    return []
