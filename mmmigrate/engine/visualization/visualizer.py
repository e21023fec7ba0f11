"""``Visualizer``: fans scalars and configs out to its backends."""
import os.path as osp
from typing import Dict, List, Optional, Union

from ..registry import VISBACKENDS, VISUALIZERS
from ..utils import ManagerMixin


@VISUALIZERS.register_module()
class Visualizer(ManagerMixin):
    """A named, globally reachable visualizer. ``vis_backends`` (configs or
    instances) write under ``save_dir/vis_data``; without ``save_dir`` no
    backend is built. Image drawing is not part of the bundled engine."""

    def __init__(self, name: str = 'visualizer', image=None,
                 vis_backends: Optional[List[Union[dict, object]]] = None,
                 save_dir: Optional[str] = None, fig_save_cfg=None, fig_show_cfg=None) -> None:
        super().__init__(name)
        self._dataset_meta: Optional[dict] = None
        self._vis_backends: Dict[str, object] = {}
        if save_dir is None:
            return
        configs = vis_backends if isinstance(vis_backends, list) else (
            [vis_backends] if vis_backends is not None else [])
        for index, backend in enumerate(configs):
            if isinstance(backend, dict):
                backend = dict(backend)
                name = backend.pop('name', None)
                backend.setdefault('save_dir', osp.join(save_dir, 'vis_data'))
                built = VISBACKENDS.build(backend)
            else:
                name, built = None, backend
            name = name or type(built).__name__
            if name in self._vis_backends:
                raise ValueError(f'Visualizer: two backends are called {name!r}; give them '
                                 'distinct `name`s')
            self._vis_backends[name] = built

    @property
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta

    def get_backend(self, name: str):
        return self._vis_backends.get(name)

    def add_config(self, config, **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_config(config, **kwargs)

    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_scalar(name, value, step, **kwargs)

    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_scalars(scalar_dict, step, file_path, **kwargs)

    def close(self) -> None:
        for backend in self._vis_backends.values():
            backend.close()
