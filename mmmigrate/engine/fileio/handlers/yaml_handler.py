"""``YamlHandler``: yaml files (the safe loader and dumper)."""
from .base import BaseFileHandler


def _plain(obj):
    """Tuples become lists so that safe YAML can represent them."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


class YamlHandler(BaseFileHandler):
    """Safe YAML only (MMEngine's loader also builds arbitrary Python
    objects from tags; a config or result file has no need of that)."""

    def load_from_fileobj(self, file, **kwargs):
        import yaml
        return yaml.safe_load(file)

    def dump_to_fileobj(self, obj, file, **kwargs):
        import yaml
        kwargs.setdefault('sort_keys', False)
        yaml.safe_dump(_plain(obj), file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        import yaml
        kwargs.setdefault('sort_keys', False)
        return yaml.safe_dump(_plain(obj), **kwargs)
