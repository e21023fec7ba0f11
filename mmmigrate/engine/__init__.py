"""mmmigrate.engine: an MMEngine-compatible training engine.

Sub-packages mirror MMEngine's public paths (``config``, ``registry``,
``model``, ``optim``, ``logging``, ``dist``, ``dataset``, ...). Importing
this package loads only the torch-free parts (config, registry, logging,
fileio, utils), as ``import mmengine`` does; ``mmmigrate.engine.model`` and
``mmmigrate.engine.optim`` bring in torch.
"""
# as ``import mmengine``: every public name of these five sub-packages
from .config import *  # noqa: F401,F403
from .config import __all__ as _config_names
from .fileio import *  # noqa: F401,F403
from .fileio import __all__ as _fileio_names
from .logging import *  # noqa: F401,F403
from .logging import __all__ as _logging_names
from .registry import *  # noqa: F401,F403
from .registry import __all__ as _registry_names
from .utils import *  # noqa: F401,F403
from .utils import __all__ as _utils_names

from .version import __version__, version_info

__all__ = [*_config_names, *_fileio_names, *_logging_names, *_registry_names, *_utils_names,
           '__version__', 'version_info']
