"""``JsonHandler``: json files."""
import json

from .base import BaseFileHandler


def _json_default(obj):
    """Sets, ranges and numpy values as plain JSON."""
    if isinstance(obj, (set, range)):
        return list(obj)
    if type(obj).__module__ == 'numpy':
        return obj.tolist() if hasattr(obj, 'ndim') and obj.ndim else obj.item()
    raise TypeError(f'{type(obj)} is unsupported for json dump')


class JsonHandler(BaseFileHandler):

    def load_from_fileobj(self, file, **kwargs):
        return json.load(file, **kwargs)

    def dump_to_fileobj(self, obj, file, **kwargs):
        kwargs.setdefault('default', _json_default)
        json.dump(obj, file, **kwargs)

    def dump_to_str(self, obj, **kwargs):
        kwargs.setdefault('default', _json_default)
        return json.dumps(obj, **kwargs)
