"""Train a legacy library with its own unchanged ``tools/train.py`` on a
tiny synthetic project (``tests/legacy/projects``), on one of the stacks of
``stacks.py``, and collect what the run left (``collect_run.py``)."""
import json
import subprocess
from pathlib import Path

from stacks import LIBRARIES, package_folder, stack_env, stack_python

HERE = Path(__file__).resolve().parent
PROJECTS = HERE / 'projects'
# library -> (project folder, config, whether it imports compiled mmcv.ops)
LIBRARY_PROJECTS = {
    'mmcls': ('mmcls_tiny', 'tiny_resnet.py', False),
    'mmseg': ('mmseg_tiny', 'tiny_fcn.py', True),
    'mmdet': ('mmdet_tiny', 'tiny_retinanet.py', True),
}


def run_library_tool(library: str, stack: str, tool: str, *args: str) -> str:
    """The library's ``tools/<tool>`` with ``args`` in its test project; the
    output (stdout and stderr)."""
    project, config, needs_ops = LIBRARY_PROJECTS[library]
    project_dir = PROJECTS / project
    flags = (['--shim'] if stack != 'mmcv-1.7.2' else []) + \
        (['--ops-stand-in'] if needs_ops else [])
    script = package_folder(LIBRARIES) / library / '.mim' / 'tools' / tool
    run = subprocess.run([stack_python(stack), str(HERE / 'run_tool.py'), *flags, str(script),
                          config, *args], cwd=project_dir,
                         env=stack_env(stack, extra_path=[project_dir, PROJECTS / 'common']),
                         capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        raise RuntimeError(f'{library} tools/{tool} on {stack} failed:\n{run.stderr[-4000:]}')
    return run.stdout + run.stderr


def train_and_collect(library: str, stack: str, work_dir: Path) -> dict:
    project, config, needs_ops = LIBRARY_PROJECTS[library]
    project_dir = PROJECTS / project
    env = stack_env(stack, extra_path=[project_dir, PROJECTS / 'common'])
    python = stack_python(stack)
    flags = (['--shim'] if stack != 'mmcv-1.7.2' else []) + \
        (['--ops-stand-in'] if needs_ops else [])
    tool = package_folder(LIBRARIES) / library / '.mim' / 'tools' / 'train.py'
    train = subprocess.run([python, str(HERE / 'run_tool.py'), *flags, str(tool), config,
                            '--work-dir', str(work_dir), '--seed', '0', '--deterministic'],
                           cwd=project_dir, env=env, capture_output=True, text=True,
                           timeout=600)
    if train.returncode != 0:
        raise RuntimeError(f'{library} tools/train.py on {stack} failed:\n'
                           f'{train.stderr[-4000:]}')
    collected = subprocess.run([python, str(HERE / 'collect_run.py'), library, config,
                                str(work_dir), *flags], cwd=project_dir, env=env,
                               capture_output=True, text=True, timeout=600)
    if collected.returncode != 0:
        raise RuntimeError(f'collecting the {library} run on {stack} failed:\n'
                           f'{collected.stderr[-4000:]}')
    result = json.loads(collected.stdout.strip().splitlines()[-1])
    result['stdout'] = train.stdout + train.stderr
    return result
