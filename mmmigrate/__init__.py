"""mmmigrate: move MMCV 1.x training code and configs to the MMEngine API.

Parts (see DESIGN.md): ``mmmigrate.engine`` (an MMEngine-compatible engine),
``mmmigrate.migrate`` (the static codemod), ``mmmigrate.compat`` (run-time
adapters for legacy code) and ``mmmigrate.rules`` (migration rules as data).
"""
__version__ = '0.1.0'
