"""The ``mmmigrate`` command line.

Commands are added as their parts land; each imports its part lazily so
``mmmigrate --help`` and the codemod commands start without torch.
"""
import click

from . import __version__


@click.group(context_settings=dict(help_option_names=['-h', '--help']))
@click.version_option(__version__, '--version', prog_name='mmmigrate')
def main():
    """Move MMCV 1.x training code and configs to the MMEngine API.

    mmmigrate rewrites legacy configs and sources, runs legacy code
    unchanged through a compatibility layer, and ships an MMEngine-compatible
    engine (``mmmigrate.engine``) that runs the result without installing
    MMEngine or MMCV.
    """


if __name__ == '__main__':
    main()
