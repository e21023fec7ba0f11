"""The ``mmmigrate`` command line.

Each command imports its part lazily, so ``mmmigrate --help`` and the
codemod commands start without torch.
"""
import sys

import click

from . import __version__

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')


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
    is importable, as with `PYTHONPATH=. python tools/train.py`."""
    from .engine.alias import install_mmengine_alias
    install_mmengine_alias(prefer_bundled=True)
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
                          work_dir)
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
                          work_dir)
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
def run(script, args, bundled):
    """Run a Python SCRIPT (with its ARGS) with `import mmengine` served by
    the bundled engine when MMEngine is not installed.

    
    Examples:
      mmmigrate run tools/train.py configs/my_config.py --work-dir work_dirs/x
      mmmigrate run --bundled my_script.py     # even if MMEngine is installed

    Exit status: the script's.
    """
    import os
    import runpy
    from .engine.alias import install_mmengine_alias
    install_mmengine_alias(prefer_bundled=bundled or None)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main()
