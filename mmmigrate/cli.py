"""The ``mmmigrate`` command line.

Each command imports its part lazily, so ``mmmigrate --help`` and the
codemod commands start without torch.
"""
import json
import os
import sys
from pathlib import Path

import click

from . import __version__

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')


def _legacy_config_upgrade(cfg) -> None:
    """MMCV 1.x configs run through the config translator (findings on stderr);
    configs may name ``type='LegacyModel'`` around an MMCV-contract model,
    which several processes then wrap as MMCV did."""
    from .compat import parallel  # noqa: F401  (registers LegacyModel and its DDP wrapper)
    from .compat.config import upgrade_legacy_config, use_legacy_wrapper
    upgrade_legacy_config(cfg, log=lambda line: click.echo(line, err=True))
    use_legacy_wrapper(cfg)


def _parse_cfg_options(options) -> dict:
    """``key=value`` pairs parsed as ``--cfg-options`` in OpenMMLab tools."""
    from .engine.config import DictAction
    parsed = {}
    for item in options:
        if '=' not in item:
            raise click.BadParameter(f'expected key=value, got {item!r}',
                                     param_hint='--cfg-options')
        key, value = item.split('=', 1)
        parsed[key] = DictAction._parse_iterable(value)
    return parsed


def _fail(command: str, error: Exception, debug: bool) -> None:
    if debug:
        raise error
    notes = ''.join(f'\n  {note}' for note in getattr(error, '__notes__', []))
    click.echo(f'mmmigrate {command}: error: {type(error).__name__}: {error}{notes}\n'
               '(run with --debug to see the traceback)', err=True)
    sys.exit(2)


def _serve_bundled_mmengine() -> None:
    """train/test run on the bundled engine: `import mmengine` in the
    project's code (custom_imports) must give it, and the current directory
    is importable, as with `PYTHONPATH=. python tools/train.py`; legacy
    `mmcv` imports are served too when MMMIGRATE_MMCV_SHIM=1."""
    from .compat import checkpoint  # noqa: F401  (the Runner resumes MMCV checkpoints)
    from .compat.mmcv_shim import install_mmcv_shim_if_asked
    from .engine.alias import install_mmengine_alias
    install_mmengine_alias(prefer_bundled=True)
    install_mmcv_shim_if_asked()
    if '' not in sys.path and '.' not in sys.path:
        sys.path.insert(0, '')


@click.group(context_settings=dict(help_option_names=['-h', '--help']))
@click.version_option(__version__, '--version', prog_name='mmmigrate')
def main():
    """Move MMCV 1.x training code and configs to the MMEngine API.

    mmmigrate rewrites legacy configs and sources, runs legacy code
    unchanged through a compatibility layer, and ships an MMEngine-compatible
    engine (``mmmigrate.engine``) that runs the result without installing
    MMEngine or MMCV.
    """


_common_options = [
    click.option('--work-dir', help='Where logs and checkpoints go (default: the config\'s '
                 'work_dir, else ./work_dirs/<config name>).'),
    click.option('--cfg-options', multiple=True, metavar='KEY=VALUE [KEY=VALUE ...]',
                 help='Override config entries, e.g. --cfg-options '
                 'train_cfg.max_epochs=12 optim_wrapper.optimizer.lr=0.01 '
                 '(lists as a,b or [a,b]; list items by index: pipeline.0.scale=...).'),
    click.option('--launcher', type=click.Choice(LAUNCHERS), default='none', show_default=True,
                 help='How the processes were started: none (one process), pytorch '
                 '(torchrun), slurm (srun) or mpi (mpirun).'),
    click.option('--debug', is_flag=True, help='Show the full traceback on errors.'),
]


def common_options(func):
    for option in reversed(_common_options):
        func = option(func)
    # The KEY=VALUE words after the first --cfg-options one (OpenMMLab's
    # `--cfg-options a=1 b=2` form) arrive as extra arguments.
    return click.argument('more_cfg_options', nargs=-1, metavar='')(func)


def _all_cfg_options(cfg_options, more) -> dict:
    if more and not cfg_options:
        raise click.UsageError(f'unexpected arguments {list(more)}')
    return _parse_cfg_options(list(cfg_options) + list(more))


@main.command()
@click.argument('config', type=click.Path(exists=True, dir_okay=False))
@click.option('--resume', 'resume', is_flag=False, flag_value='auto', default=None,
              metavar='[CHECKPOINT]',
              help='Resume training: alone, from the work dir\'s last checkpoint; with a '
              'path, from that checkpoint.')
@click.option('--amp', is_flag=True, help='Mixed-precision training (AmpOptimWrapper, dynamic '
              'loss scale).')
@click.option('--auto-scale-lr', is_flag=True, help='Scale the learning rate by the total '
              'batch size over auto_scale_lr.base_batch_size.')
@common_options
def train(config, resume, amp, auto_scale_lr, work_dir, cfg_options, launcher, debug,
          more_cfg_options):
    """Train the model described by CONFIG (an MMEngine-style config) on the
    bundled engine, as OpenMMLab's tools/train.py does.

    An MMCV 1.x config (optimizer, lr_config, runner, data, ...) is accepted
    too: its keys are translated at load time exactly as `mmmigrate config`
    would write them, and the translation is reported once on stderr.

    \b
    Examples:
      mmmigrate train configs/retinanet.py --work-dir work_dirs/retina
      mmmigrate train cfg.py --resume                 # continue from the last checkpoint
      mmmigrate train cfg.py --cfg-options train_cfg.max_epochs=24
      torchrun --nproc_per_node 2 -m mmmigrate.cli train cfg.py --launcher pytorch

    Exit status: 0 when training finished, 2 on an error.
    """
    try:
        _serve_bundled_mmengine()
        from .engine.tools import apply_train_options, build_runner, load_config
        cfg = load_config(config, _all_cfg_options(cfg_options, more_cfg_options), launcher,
                          work_dir, upgrade=_legacy_config_upgrade)
        apply_train_options(cfg, resume=resume, amp=amp, auto_scale_lr=auto_scale_lr)
        build_runner(cfg).train()
    except Exception as error:  # reported without a traceback unless --debug
        _fail('train', error, debug)


@main.command()
@click.argument('config', type=click.Path(exists=True, dir_okay=False))
@click.option('--checkpoint', required=True, type=click.Path(exists=True, dir_okay=False),
              help='The checkpoint to evaluate.')
@click.option('--out', type=click.Path(dir_okay=False), help='Also dump every prediction '
              'to this .pkl file.')
@common_options
def test(config, checkpoint, out, work_dir, cfg_options, launcher, debug, more_cfg_options):
    """Evaluate CHECKPOINT with the test set and metrics of CONFIG on the
    bundled engine, as OpenMMLab's tools/test.py does; prints the metrics.

    \b
    Example:
      mmmigrate test configs/retinanet.py --checkpoint work_dirs/retina/epoch_12.pth

    Exit status: 0 on success, 2 on an error.
    """
    try:
        _serve_bundled_mmengine()
        from .engine.tools import apply_test_options, build_runner, load_config
        cfg = load_config(config, _all_cfg_options(cfg_options, more_cfg_options), launcher,
                          work_dir, upgrade=_legacy_config_upgrade)
        apply_test_options(cfg, checkpoint, out)
        metrics = build_runner(cfg).test()
        for key, value in metrics.items():
            click.echo(f'{key}: {value}')
    except Exception as error:
        _fail('test', error, debug)


@main.command(context_settings=dict(ignore_unknown_options=True, allow_interspersed_args=False))
@click.argument('script', type=click.Path(exists=True, dir_okay=False))
@click.argument('args', nargs=-1, type=click.UNPROCESSED)
@click.option('--bundled', is_flag=True, help='Serve `mmengine` from the bundled engine even if '
              'MMEngine is installed (same as MMMIGRATE_ENGINE=bundled).')
@click.option('--mmcv-shim', is_flag=True, help='Serve legacy mmcv.runner / mmcv.utils / ... '
              'imports from the MMEngine stack when MMCV 1.x is not installed (same as '
              'MMMIGRATE_MMCV_SHIM=1).')
def run(script, args, bundled, mmcv_shim):
    """Run a Python SCRIPT (with its ARGS) with `import mmengine` served by
    the bundled engine when MMEngine is not installed. With --mmcv-shim (or
    MMMIGRATE_MMCV_SHIM=1), legacy `mmcv.runner` / `mmcv.utils` / ...
    imports resolve to their MMEngine-stack equivalents when MMCV 1.x is
    not installed (a name without one raises an ImportError saying what to
    use instead).

    
    Examples:
      mmmigrate run tools/train.py configs/my_config.py --work-dir work_dirs/x
      mmmigrate run --bundled my_script.py     # even if MMEngine is installed
      mmmigrate run --mmcv-shim legacy_script.py

    Exit status: the script's.
    """
    import os
    import runpy
    from .engine.alias import install_mmengine_alias
    install_mmengine_alias(prefer_bundled=bundled or None)
    from .compat import checkpoint  # noqa: F401  (the Runner resumes MMCV checkpoints)
    from .compat.mmcv_shim import install_mmcv_shim, install_mmcv_shim_if_asked
    if mmcv_shim:
        install_mmcv_shim()
    else:
        install_mmcv_shim_if_asked()
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name='__main__')
    finally:
        _let_gloo_workers_finish()


def _let_gloo_workers_finish() -> None:
    """torch's gloo worker threads release a finished collective, and the
    Python tensors it holds, just after the caller's wait has returned. If
    the interpreter is already shutting down by then, that release aborts
    the process ("terminate called without an active exception", a torch
    race: pytorch/pytorch#179291), after the script itself has succeeded.
    A script that ends right after a collective leaves that window open, so
    the workers get a moment while the interpreter is still whole."""
    if 'torch.distributed' in sys.modules:
        import time
        time.sleep(0.05)


@main.command('checkpoint')
@click.argument('source', type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument('target', type=click.Path(dir_okay=False, path_type=Path))
@click.option('--iter-based', is_flag=True,
              help='The checkpoint was saved by an IterBasedRunner (iter_N.pth).')
def checkpoint(source, target, iter_based):
    """Convert an MMCV 1.x checkpoint to the MMEngine layout.

    SOURCE is a checkpoint an MMCV runner saved (epoch_N.pth, iter_N.pth);
    TARGET is written atomically. Weights and optimizer state are copied;
    epoch/iteration are mapped (an iter_N.pth of MMCV stores N-1: it becomes
    N); a message hub state is added (MMEngine cannot resume without one),
    with MMCV's hook messages (last/best checkpoint, best score); the fp16
    loss-scaler state moves into the optimizer state. Resuming from the
    result on the bundled engine replays the learning-rate schedule to the
    saved position, so the lr continues where MMCV stopped. (The bundled
    engine also resumes MMCV checkpoints directly.)

    \b
    Examples:
      mmmigrate checkpoint work_dirs/old/epoch_6.pth converted/epoch_6.pth
      mmmigrate checkpoint work_dirs/old/iter_4000.pth new.pth --iter-based

    Exit status: 0 done, 2 when SOURCE is not an MMCV runner checkpoint.
    """
    import io

    import torch

    from .compat.checkpoint import convert_mmcv_checkpoint, is_mmcv_checkpoint
    from .migrate.driver import write_atomically
    try:
        old = torch.load(source, map_location='cpu', weights_only=True)
    except Exception as e:  # pickle errors name no file: say which one
        click.echo(f'{source}: cannot be read as a checkpoint with weights_only=True '
                   f'({type(e).__name__}: {str(e).splitlines()[0] if str(e) else e})',
                   err=True)
        sys.exit(2)
    if not is_mmcv_checkpoint(old):
        click.echo(f'{source}: not an MMCV 1.x runner checkpoint (no meta.mmcv_version, or it '
                   'already has a message_hub); nothing to convert', err=True)
        sys.exit(2)
    try:
        new = convert_mmcv_checkpoint(old, by_epoch=not iter_based)
    except ValueError as e:
        click.echo(f'{source}: {e}', err=True)
        sys.exit(2)
    buffer = io.BytesIO()
    torch.save(new, buffer)
    write_atomically(target, buffer.getvalue())
    meta = new['meta']
    click.echo(f'{target}: epoch {meta["epoch"]}, iteration {meta["iter"]}', err=True)


def conversion_options(func):
    """The options `config` and `convert` share."""
    options = [
        click.option('--out-dir', type=click.Path(file_okay=False, path_type=Path),
                     help='Write converted files under DIR, mirroring the input tree.'),
        click.option('--diff', 'show_diff', is_flag=True,
                     help='Print a unified diff of what would change; write nothing.'),
        click.option('--check', is_flag=True, help='Write nothing; exit 1 when a file would '
                     'change (for CI / pre-commit).'),
        click.option('--report', type=click.Choice(['text', 'json']), default='text',
                     show_default=True, help='Report format (on stderr; json goes to stdout, '
                     'or to stderr with --diff, whose output is on stdout).'),
        click.option('-j', '--jobs', type=int, default=1, show_default=True,
                     help='Convert with this many processes (0: one per core).'),
        click.option('-v', '--verbose', is_flag=True,
                     help='List every finding in the text report, notes (info) included.'),
        click.option('--include', multiple=True, metavar='GLOB',
                     help='In folders, only files matching GLOB (relative path or file '
                     'name; repeatable), e.g. --include "mmdet/**".'),
        click.option('--exclude', multiple=True, metavar='GLOB',
                     help='Skip files and folders matching GLOB (repeatable), e.g. '
                     '--exclude "tests/*".'),
        click.option('--no-gitignore', 'gitignore', is_flag=True, flag_value=False,
                     default=True, help='Also convert files your .gitignore files ignore.'),
        click.option('--progress/--no-progress', default=None,
                     help='Progress bar on stderr (default: on a terminal, for 200+ files).'),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@main.command('config')
@click.argument('paths', nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option('-o', '--output', type=click.Path(dir_okay=False, path_type=Path),
              help='Write the converted config here (one input file only).')
@click.option('--flatten', is_flag=True,
              help='Write one self-contained config per file instead of keeping _base_.')
@conversion_options
def config(paths, output, out_dir, flatten, show_diff, check, report, jobs, verbose, include,
           exclude, gitignore, progress):
    """Convert MMCV 1.x configs to MMEngine configs, statically.

    PATHS are config files or folders (every .py file under them), or `-`
    to read one config from standard input and write it to standard output.
    The configs are never executed: values are read from the source, with
    their whole `_base_` chain. Each file keeps its `_base_` inheritance
    (a child gets only the keys that differ from its converted bases), its
    comments and its formatting; legacy keys are replaced by MMEngine keys.
    What cannot be carried over exactly is marked `# TODO(mmmigrate): ...`
    in the output and listed in the report with a rule id.

    \b
    Examples:
      mmmigrate config configs/                 # convert a whole tree in place
      mmmigrate config old.py -o new.py         # write elsewhere
      mmmigrate config configs/ --out-dir new_configs/
      mmmigrate config configs/ --check         # CI: exit 1 if anything changes
      mmmigrate config faster_rcnn.py --diff --report json

    Exit status: 0 done, 1 with --check when something would change,
    2 when a file could not be read (it is reported and left untouched),
    3 when a value could not be carried over (it is kept, with a
    TODO(mmmigrate) comment and an error in the report).
    """
    from .migrate import driver
    if list(paths) == [Path('-')]:
        outcome = driver.convert_stdin(sys.stdin.read(), flatten)
        if outcome.error is None:
            sys.stdout.write(outcome.diff if show_diff else outcome.new_source)
        _config_report(driver, [outcome], report, sys.stderr, verbose)
        _exit_status([outcome], check, values_kept=True)
    if output is not None and len(paths) != 1:
        raise click.UsageError('-o/--output takes exactly one input file')
    files = _files(driver, paths, include, exclude, gitignore)
    if output is not None and (len(files) != 1 or paths[0].is_dir()):
        raise click.UsageError('-o/--output takes one input file; use --out-dir for folders')
    plan = None if show_diff or check else driver.WritePlan(output, out_dir, files)
    bar = _progress_bar(len(files), progress, report)
    outcomes = driver.convert_paths(files, flatten, jobs or os.cpu_count() or 1, plan, bar)
    bar.close()
    _finish(driver, outcomes, show_diff, check, report, verbose, values_kept=True)


@main.command('verify')
@click.argument('legacy', type=click.Path(path_type=Path))
@click.argument('new', required=False, type=click.Path(path_type=Path))
@click.option('--iters-per-epoch', type=click.IntRange(min=1), default=100, show_default=True,
              help='Iterations in one epoch, for epoch-based schedules (a config does not '
              'say: it depends on the dataset and batch size).')
@click.option('--report', 'report_format', type=click.Choice(['text', 'json']), default='text',
              show_default=True, help='A table for people, or JSON on standard output.')
def verify(legacy, new, iters_per_epoch, report_format):
    """Check that an MMEngine config trains as an MMCV 1.x config did.

    LEGACY is an MMCV 1.x config; NEW an MMEngine config (an official port,
    your own). Without NEW, LEGACY is compared with its conversion by
    `mmmigrate config`. Given folders, every config under LEGACY (outside
    `_base_` folders) is paired with the file at the same relative path under
    NEW, and a line per config is printed. Nothing is trained and no config is executed: the
    files are read statically, with their `_base_` chains.

    \b
    Compared:
      lr, momentum   every param group at every iteration: the legacy side by
                     MMCV 1.7.2's updater formulas, the new side by the
                     engine's param schedulers built from NEW; the first
                     differing iteration and the largest relative deviation
      the rest       optimizer and its arguments, paramwise_cfg, clip_grad,
                     AMP and loss scale, accumulation, the train loop and its
                     length, validation, checkpoint and logging cadence, seed
                     and determinism (MMEngine's defaults where a key is unset)

    \b
    Examples:
      mmmigrate verify configs/faster_rcnn_r50_fpn_1x_coco.py
      mmmigrate verify old/retinanet.py new/retinanet.py --iters-per-epoch 7330
      mmmigrate verify old.py new.py --report json
      mmmigrate verify legacy_configs/ new_configs/

    Exit status: 0 identical, 1 different, 2 a config could not be read or
    compared (the message names the file and why; in a folder, the others
    are still compared).
    """
    from .verify.pair import verify_pair
    from .verify.report import as_json, table
    from .verify.semantics import VerifyError
    if legacy.is_dir():
        _verify_tree(legacy, new, iters_per_epoch, report_format)
    try:
        comparison, label = verify_pair(legacy, new, iters_per_epoch)
    except VerifyError as e:
        click.echo(f'mmmigrate verify: error: {e}', err=True)
        sys.exit(2)
    if report_format == 'json':
        click.echo(json.dumps(as_json(str(legacy), label, comparison), indent=2, default=str))
    else:
        click.echo(table(str(legacy), label, comparison))
    sys.exit(0 if comparison.identical else 1)


def _verify_tree(legacy_dir: Path, new_dir, iters_per_epoch: int, report_format: str) -> None:
    from .verify.report import as_json
    from .verify.tree import summary, verify_tree
    if new_dir is not None and not new_dir.is_dir():
        raise click.UsageError('LEGACY is a folder: NEW must be a folder too (or left out)')
    outcomes = verify_tree(legacy_dir, new_dir, iters_per_epoch)
    if report_format == 'json':
        click.echo(json.dumps([
            dict(legacy=str(o.legacy), error=o.error) if o.error is not None else
            as_json(str(o.legacy), str(o.new or '(its conversion)'), o.comparison)
            for o in outcomes], indent=2, default=str))
    else:
        click.echo(summary(legacy_dir, outcomes))
    verdicts = {o.verdict for o in outcomes}
    sys.exit(2 if 'error' in verdicts else 1 if 'different' in verdicts else 0)


@main.command('convert')
@click.argument('paths', nargs=-1, required=True, type=click.Path(path_type=Path))
@conversion_options
def convert(paths, out_dir, show_diff, check, report, jobs, verbose, include, exclude,
            gitignore, progress):
    """Convert MMCV 1.x Python sources (and the configs among them) to the
    MMEngine API.

    PATHS are .py files or folders. In folders, .gitignore'd files, VCS and
    virtual-environment folders are skipped (see --include / --exclude /
    --no-gitignore); files that never mention mmcv (nor return_loss /
    train_step) are skipped after one read. Config files found in the tree
    (under `configs`, with `_base_`, or assigning legacy keys) go through
    `mmmigrate config`. In sources:

    \b
    - imports move to where each name lives now (mmcv.runner.get_dist_info
      -> mmengine.dist.get_dist_info, mmcv.Config -> mmengine.config.Config);
    - models: train_step(data, optimizer) -> train_step(data, optim_wrapper)
      with optim_wrapper.update_params(loss), forward(return_loss=...) ->
      forward(mode=...), nn.Module/BaseModule -> BaseModel;
    - hooks get MMEngine's hook points and arguments (batch_idx, outputs);
    - EpochBasedRunner/IterBasedRunner/build_runner + register_training_hooks
      + run(...) -> Runner(...) + runner.train(), lr/optimizer/checkpoint/log
      configs translated as `mmmigrate config` translates them.

    What has no safe rewrite is left as it is, marked `# TODO(mmmigrate): ...`
    where it is an import, and listed in the report with file:line and a
    rule id. A file that is not UTF-8 or not valid Python 3 is reported and
    left byte for byte. Running it twice changes nothing.

    \b
    Examples:
      mmmigrate convert my_project/            # in place
      mmmigrate convert my_project/ --out-dir converted/   # mirror the tree
      mmmigrate convert my_project/ --diff     # show, write nothing
      mmmigrate convert my_project/ --check    # CI: exit 1 if anything changes
      mmmigrate convert . --exclude "tests/*" --report json -j 0

    Exit status: 0 done (or nothing to do), 1 with --check when something
    would change, 2 when a file could not be read or converted (it is
    reported and left untouched).
    """
    from .migrate import driver
    files = _files(driver, paths, include, exclude, gitignore)
    plan = None if show_diff or check else driver.WritePlan(None, out_dir, files)
    bar = _progress_bar(len(files), progress, report)
    outcomes = driver.convert_sources(files, jobs or os.cpu_count() or 1, plan, bar)
    bar.close()
    _finish(driver, outcomes, show_diff, check, report, verbose, values_kept=False)


def _files(driver, paths, include, exclude, gitignore):
    try:
        return driver.collect_python_files(list(paths), include, exclude, gitignore)
    except FileNotFoundError as e:
        raise click.UsageError(str(e))


def _progress_bar(total: int, wanted, report: str):
    from .migrate.progress import Progress
    return Progress(total, enabled=wanted if wanted is not None or report == 'text' else False)


def _finish(driver, outcomes, show_diff, check, report, verbose, values_kept):
    """Diff, report and exit status, as both commands' --help describe."""
    if show_diff:
        sys.stdout.write(''.join(o.diff for o in outcomes))
    # The JSON report goes to stdout, unless --diff's output is there.
    json_out = report == 'json' and not show_diff
    _config_report(driver, outcomes, report, sys.stdout if json_out else sys.stderr, verbose)
    _exit_status(outcomes, check, values_kept)


def _exit_status(outcomes, check: bool, values_kept: bool) -> None:
    """2: a file could not be read; 3 (``values_kept``: `config`): a value
    was kept because it could not be carried over; 1: --check and something
    would change; else 0."""
    if any(o.error for o in outcomes):
        sys.exit(2)
    if values_kept and any(f.severity == 'error' for o in outcomes for f in o.findings):
        sys.exit(3)
    if check and any(o.changed for o in outcomes):
        sys.exit(1)
    sys.exit(0)


def _config_report(driver, outcomes, report, stream, verbose=False):
    if report == 'json':
        driver.report_json(outcomes, stream)
    else:
        driver.report_text(outcomes, stream, verbose)


if __name__ == '__main__':
    main()
