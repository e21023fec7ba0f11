"""Pure functions from legacy MMCV config values to MMEngine config values.

The one place the migration's semantics live: ``mmmigrate config`` feeds
these functions values read statically from config files; the compat
layer feeds them concrete values at run time. Nothing here reads files,
executes code or imports torch.
"""
from .config import LEGACY_KEYS, is_legacy, minimal_override, translate_config
from .schedules import TrainingShape, translate_schedules
from .values import BuiltOptimizer, Finding, Opaque, Translation, merge

__all__ = ['translate_config', 'translate_schedules', 'TrainingShape', 'Translation',
           'Finding', 'Opaque', 'BuiltOptimizer', 'LEGACY_KEYS', 'is_legacy',
           'minimal_override', 'merge']
