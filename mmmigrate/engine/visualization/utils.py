"""Helpers of the visualizer (``mmengine.visualization.utils``): argument
checks, colour conversion, feature-map heat maps, canvas pixels.

OpenCV is used where MMEngine uses it (heat-map colouring) when it is
installed; without it the same steps run in numpy with matplotlib's ``jet``
colour map, which differs from OpenCV's in the last bit of some colours."""
from typing import TYPE_CHECKING, Any, List, Optional, Tuple, Type, Union

import numpy as np
import torch

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import FigureCanvasAgg


def tensor2ndarray(value: Union[np.ndarray, torch.Tensor]) -> np.ndarray:
    """A tensor as a numpy array (on the CPU, detached); arrays as they are."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return value


def value2list(value: Any, valid_type: Union[Type, Tuple[Type, ...]],
               expand_dim: int) -> List[Any]:
    """``[value] * expand_dim`` when ``value`` is one ``valid_type``; else ``value``."""
    if isinstance(value, valid_type):
        value = [value] * expand_dim
    return value


def check_type(name: str, value: Any, valid_type: Union[Type, Tuple[Type, ...]]) -> None:
    if not isinstance(value, valid_type):
        raise TypeError(f'`{name}` should be {valid_type}  but got {type(value)}')


def check_length(name: str, value: Any, valid_length: int) -> None:
    """A list ``value`` must have at least ``valid_length`` items."""
    if isinstance(value, list) and len(value) < valid_length:
        raise AssertionError(f'The length of {name} must equal with or greater than '
                             f'{valid_length}, but got {len(value)}')


def check_type_and_length(name: str, value: Any, valid_type: Union[Type, Tuple[Type, ...]],
                          valid_length: int) -> None:
    check_type(name, value, valid_type)
    check_length(name, value, valid_length)


def color_val_matplotlib(colors: Union[str, tuple, List[Union[str, tuple]]]
                         ) -> Union[str, tuple, List[Union[str, tuple]]]:
    """Colours as matplotlib takes them: names stay, ``(r, g, b)`` in
    0..255 become floats in 0..1 (lists converted item by item)."""
    if isinstance(colors, str):
        return colors
    if isinstance(colors, tuple):
        assert len(colors) == 3, f'a colour needs 3 channels, got {colors}'
        for channel in colors:
            assert 0 <= channel <= 255, f'colour channels are 0..255, got {colors}'
        return tuple(channel / 255 for channel in colors)
    if isinstance(colors, list):
        return [color_val_matplotlib(color) for color in colors]
    raise TypeError(f'Invalid type for color: {type(colors)}')


def color_str2rgb(color: str) -> tuple:
    """A matplotlib colour name as ``(r, g, b)`` in 0..255."""
    import matplotlib.colors
    return tuple(int(c * 255) for c in matplotlib.colors.to_rgb(color))


def _minmax_uint8(feat_map: np.ndarray) -> np.ndarray:
    try:
        import cv2
    except ImportError:
        low, high = float(feat_map.min()), float(feat_map.max())
        scaled = (feat_map - low) * (255.0 / (high - low)) if high > low \
            else np.zeros_like(feat_map, dtype=np.float64)
        return np.asarray(np.clip(np.rint(scaled), 0, 255), dtype=np.uint8)
    normalized = cv2.normalize(feat_map, np.zeros(feat_map.shape), 0, 255, cv2.NORM_MINMAX)
    return np.asarray(normalized, dtype=np.uint8)


def _jet_rgb(gray: np.ndarray) -> np.ndarray:
    try:
        import cv2
    except ImportError:
        from matplotlib import colormaps
        rgba = colormaps['jet'](gray if gray.ndim == 2 else gray[..., 0])
        return np.asarray(np.rint(rgba[..., :3] * 255), dtype=np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(gray, cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)


def convert_overlay_heatmap(feat_map: Union[np.ndarray, torch.Tensor],
                            img: Optional[np.ndarray] = None, alpha: float = 0.5) -> np.ndarray:
    """A ``(H, W)`` (or ``(1 or 3, H, W)``) feature map as a jet-coloured RGB
    image, blended onto ``img`` with weight ``alpha`` when given."""
    assert feat_map.ndim == 2 or (feat_map.ndim == 3 and feat_map.shape[0] in (1, 3)), \
        f'feat_map must be (H, W) or (1 or 3, H, W), got {tuple(feat_map.shape)}'
    feat_map = tensor2ndarray(feat_map)
    if feat_map.ndim == 3:
        feat_map = feat_map.transpose(1, 2, 0)
    heat_img = _jet_rgb(_minmax_uint8(feat_map))
    if img is not None:
        try:
            import cv2
            heat_img = cv2.addWeighted(img, 1 - alpha, heat_img, alpha, 0)
        except ImportError:
            blended = img.astype(np.float64) * (1 - alpha) + heat_img.astype(np.float64) * alpha
            heat_img = np.asarray(np.clip(np.rint(blended), 0, 255), dtype=np.uint8)
    return heat_img


def wait_continue(figure, timeout: float = 0, continue_key: str = ' ') -> int:
    """Show ``figure`` and wait for ``continue_key`` (0) or its window to
    close (1); returns 0 at once with an inline backend."""
    import matplotlib.pyplot as plt
    from matplotlib.backend_bases import CloseEvent
    if 'inline' in plt.get_backend():
        return 0
    if figure.canvas.manager:
        figure.show()
    while True:
        event = None

        def handler(ev):
            nonlocal event
            # Qt may send two events at once: a close event is kept.
            event = ev if not isinstance(event, CloseEvent) else event
            figure.canvas.stop_event_loop()
        connections = [figure.canvas.mpl_connect(name, handler)
                       for name in ('key_press_event', 'close_event')]
        try:
            figure.canvas.start_event_loop(timeout)
        finally:
            for connection in connections:
                figure.canvas.mpl_disconnect(connection)
        if isinstance(event, CloseEvent):
            return 1
        if event is None or event.key == continue_key:
            return 0


def img_from_canvas(canvas: 'FigureCanvasAgg') -> np.ndarray:
    """The RGB pixels of a drawn matplotlib canvas, ``(H, W, 3)`` uint8."""
    data, (width, height) = canvas.print_to_buffer()
    rgba = np.frombuffer(data, dtype='uint8').reshape(height, width, 4)
    return rgba[..., :3].astype('uint8')
