"""``Visualizer``: draws on images (``drawing.py``) and fans images,
scalars and configs out to its backends."""
import inspect
import os.path as osp
import warnings
from typing import Dict, Optional, Sequence

import numpy as np

from ..dist import master_only
from ..registry import VISBACKENDS, VISUALIZERS
from ..utils import ManagerMixin, is_seq_of
from .drawing import VisualizerDrawing, _matplotlib
from .utils import img_from_canvas, wait_continue
from .vis_backend import BaseVisBackend

cv2 = None  # OpenCV, imported when `show(backend='cv2')` first needs it


@VISUALIZERS.register_module()
class Visualizer(VisualizerDrawing, ManagerMixin):
    """A named, globally reachable visualizer.

    ``vis_backends`` (configs or instances) store what is added; configs
    get ``save_dir/vis_data`` as their ``save_dir``, and a backend that needs
    a ``save_dir`` but has none is skipped with a warning. The matplotlib
    figure that ``set_image`` and the ``draw_*`` methods use is created on
    first use (MMEngine creates it in the constructor), so a run that draws
    nothing does not need matplotlib.
    """

    def __init__(self, name: str = 'visualizer', image: Optional[np.ndarray] = None,
                 vis_backends=None, save_dir: Optional[str] = None,
                 fig_save_cfg=dict(frameon=False), fig_show_cfg=dict(frameon=False)) -> None:
        super().__init__(name)
        self._dataset_meta: Optional[dict] = None
        self._vis_backends: Dict[str, BaseVisBackend] = {}
        self._image: Optional[np.ndarray] = None
        if vis_backends is None:
            vis_backends = []
        if isinstance(vis_backends, (dict, BaseVisBackend)):
            vis_backends = [vis_backends]
        if not is_seq_of(vis_backends, (dict, BaseVisBackend)):
            raise TypeError('vis_backends must be a list of dicts or a list of BaseBackend '
                            'instances')
        if save_dir is not None:
            save_dir = osp.join(save_dir, 'vis_data')
        for backend in vis_backends:
            backend_name = None
            if isinstance(backend, dict):
                backend = dict(backend)
                backend_name = backend.pop('name', None)
                backend.setdefault('save_dir', save_dir)
                backend = VISBACKENDS.build(backend)
            required = inspect.signature(type(backend).__init__).parameters.get('save_dir')
            if required is not None and required.default is required.empty \
                    and getattr(backend, '_save_dir', None) is None:
                warnings.warn(f'Failed to add {type(backend)}, please provide the `save_dir` '
                              'argument.')
                continue
            backend_name = backend_name or type(backend).__name__
            if backend_name in self._vis_backends:
                raise RuntimeError(f'vis_backend name {backend_name} already exists')
            self._vis_backends[backend_name] = backend
        self.fig_save_cfg = fig_save_cfg
        self.fig_show_cfg = fig_show_cfg
        self._fig = None  # (canvas, figure, axes), made on first use
        if image is not None:
            self.set_image(image)

    # -- the figure, created on first use --------------------------------
    def _initialize_fig(self, fig_cfg) -> tuple:
        _matplotlib()
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        fig = Figure(**fig_cfg)
        ax = fig.add_subplot()
        ax.axis(False)
        # No margin: the canvas is exactly the image.
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
        return FigureCanvasAgg(fig), fig, ax

    def _figure(self) -> tuple:
        if self._fig is None:
            self._fig = self._initialize_fig(self.fig_save_cfg)
        return self._fig

    @property
    def fig_save_canvas(self):
        return self._figure()[0]

    @property
    def fig_save(self):
        return self._figure()[1]

    @property
    def ax_save(self):
        return self._figure()[2]

    @property
    def dpi(self):
        return self.fig_save.get_dpi()

    # -- the image ------------------------------------------------------
    @property
    @master_only
    def dataset_meta(self) -> Optional[dict]:
        return self._dataset_meta

    @dataset_meta.setter
    @master_only
    def dataset_meta(self, dataset_meta: dict) -> None:
        self._dataset_meta = dataset_meta

    @master_only
    def set_image(self, image: np.ndarray) -> None:
        """Draw on ``image`` (RGB, ``(H, W, 3)``) from now on."""
        assert image is not None
        image = image.astype('uint8')
        self._image = image
        self.width, self.height = image.shape[1], image.shape[0]
        self._default_font_size = max(np.sqrt(self.height * self.width) // 90, 10)
        # The figure is the image's size; 0.01 keeps it from losing a pixel.
        self.fig_save.set_size_inches((self.width + 0.01) / self.dpi,
                                      (self.height + 0.01) / self.dpi)
        self.ax_save.cla()
        self.ax_save.axis(False)
        self.ax_save.imshow(image, extent=(0, self.width, self.height, 0),
                            interpolation='none')

    @master_only
    def get_image(self) -> np.ndarray:
        """The image with everything drawn so far (RGB uint8)."""
        assert self._image is not None, 'Please set image using `set_image`'
        return img_from_canvas(self.fig_save_canvas)

    @master_only
    def show(self, drawn_img: Optional[np.ndarray] = None, win_name: str = 'image',
             wait_time: float = 0., continue_key: str = ' ', backend: str = 'matplotlib'):
        """Show the drawn image (or ``drawn_img``) in a window, waiting
        ``wait_time`` seconds (0: until ``continue_key``)."""
        image = self.get_image() if drawn_img is None else drawn_img
        if backend == 'matplotlib':
            _matplotlib()
            import matplotlib.pyplot as plt
            self._init_manager(win_name)
            fig = self.manager.canvas.figure
            fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
            fig.clear()
            ax = fig.add_subplot()
            ax.axis(False)
            ax.imshow(image)
            self.manager.canvas.draw()
            if 'inline' in plt.get_backend():
                return fig
            wait_continue(fig, timeout=wait_time, continue_key=continue_key)
        elif backend == 'cv2':
            global cv2
            if cv2 is None:
                import cv2
            cv2.namedWindow(winname=f'{id(self)}')
            cv2.setWindowTitle(f'{id(self)}', win_name)
            cv2.imshow(str(id(self)), image)
            cv2.waitKey(int(np.ceil(wait_time * 1000)))
        else:
            raise ValueError(f'backend should be "matplotlib" or "cv2", but got {backend} '
                             'instead')

    def _init_manager(self, win_name: str) -> None:
        from matplotlib.figure import Figure
        from matplotlib.pyplot import new_figure_manager
        if getattr(self, 'manager', None) is None:
            self.manager = new_figure_manager(num=1, FigureClass=Figure, **self.fig_show_cfg)
        try:
            self.manager.set_window_title(win_name)
        except Exception:  # the window was closed: a new one
            self.manager = new_figure_manager(num=1, FigureClass=Figure, **self.fig_show_cfg)
            self.manager.set_window_title(win_name)

    # -- the backends -----------------------------------------------------
    @master_only
    def get_backend(self, name: str) -> Optional[BaseVisBackend]:
        return self._vis_backends.get(name)

    @master_only
    def add_config(self, config, **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_config(config, **kwargs)

    @master_only
    def add_graph(self, model, data_batch: Sequence[dict], **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_graph(model, data_batch, **kwargs)

    @master_only
    def add_image(self, name: str, image: np.ndarray, step: int = 0) -> None:
        for backend in self._vis_backends.values():
            backend.add_image(name, image, step)

    @master_only
    def add_scalar(self, name: str, value, step: int = 0, **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_scalar(name, value, step, **kwargs)

    @master_only
    def add_scalars(self, scalar_dict: dict, step: int = 0, file_path: Optional[str] = None,
                    **kwargs) -> None:
        for backend in self._vis_backends.values():
            backend.add_scalars(scalar_dict, step, file_path, **kwargs)

    @master_only
    def add_datasample(self, name, image: np.ndarray, data_sample=None, draw_gt: bool = True,
                       draw_pred: bool = True, show: bool = False, wait_time: int = 0,
                       step: int = 0) -> None:
        """Draw a sample's ground truth and prediction (task visualizers
        such as mmdet's ``DetLocalVisualizer`` implement it)."""

    def close(self) -> None:
        for backend in self._vis_backends.values():
            backend.close()

    @classmethod
    def get_instance(cls, name: str, **kwargs) -> 'Visualizer':
        """As ``ManagerMixin.get_instance``; the instance is also the current
        ``Visualizer`` (what ``Visualizer.get_current_instance()`` gives,
        whichever subclass made it)."""
        instance = super().get_instance(name, **kwargs)
        Visualizer._instance_dict[name] = instance
        return instance


