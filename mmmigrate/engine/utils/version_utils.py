"""Version helpers (``mmengine.utils.version_utils``): ``digit_version``,
``get_git_hash``."""
import os
import re
import subprocess
from typing import Optional


def digit_version(version_str: str, length: int = 4) -> tuple:
    """A comparable tuple for a PEP 440 version string such as '2.13.0+cpu'
    or '1.0rc1' (pre-releases sort before the release)."""
    match = re.match(r'^\s*v?(\d+(?:\.\d+)*)(?:(a|b|rc)(\d*))?', version_str)
    if not match:
        raise ValueError(f'cannot parse version {version_str!r}')
    numbers = [int(x) for x in match.group(1).split('.')][:length]
    numbers += [0] * (length - len(numbers))
    pre_rank = {'a': -3, 'b': -2, 'rc': -1}
    if match.group(2):
        numbers += [pre_rank[match.group(2)], int(match.group(3) or 0)]
    else:
        numbers += [0, 0]
    return tuple(numbers)


def get_git_hash(fallback: str = 'unknown', digits: Optional[int] = None) -> str:
    """The commit the current directory's git repository is at ('' outside
    a repository), or ``fallback`` when git is not installed; ``digits``
    keeps its first digits."""
    if digits is not None and not isinstance(digits, int):
        raise TypeError('digits must be None or an integer')
    try:
        env = {k: v for k, v in os.environ.items() if k in ('PATH', 'HOME', 'SYSTEMROOT')}
        out = subprocess.run(['git', 'rev-parse', 'HEAD'], capture_output=True,
                             env=dict(env, LANG='C', LC_ALL='C', LANGUAGE='C')).stdout
    except OSError:
        return fallback
    sha = out.strip().decode('ascii')
    return sha[:digits] if digits is not None else sha
