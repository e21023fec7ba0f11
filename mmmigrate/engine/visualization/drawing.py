"""The drawing methods of ``Visualizer`` (points, texts, lines, circles,
boxes, polygons, binary masks, feature maps), drawn with matplotlib onto
the image given to ``set_image``. matplotlib is imported on first use:
install it (``pip install matplotlib``) to draw."""
import warnings
from typing import List, Optional, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F

from ..dist import master_only
from .utils import (check_type, check_type_and_length, color_str2rgb, color_val_matplotlib,
                    convert_overlay_heatmap, img_from_canvas, tensor2ndarray, value2list)

Colors = Union[str, tuple, List[str], List[tuple]]
Widths = Union[int, float, List[Union[int, float]]]


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise ImportError('drawing with the Visualizer needs matplotlib: pip install '
                          'matplotlib') from None
    return matplotlib


def _blend(image: np.ndarray, overlay: np.ndarray, alpha: float) -> np.ndarray:
    """``image * (1 - alpha) + overlay * alpha`` rounded to uint8, as
    ``cv2.addWeighted``."""
    try:
        import cv2
        return cv2.addWeighted(image, 1 - alpha, overlay, alpha, 0)
    except ImportError:
        mixed = image.astype(np.float64) * (1 - alpha) + overlay.astype(np.float64) * alpha
        return np.asarray(np.clip(np.rint(mixed), 0, 255), dtype=np.uint8)


def _warn_out_of_bounds(what: str) -> None:
    warnings.warn(f'Warning: The {what} is out of bounds, the drawn {what} may not be in the '
                  'image', UserWarning)


class VisualizerDrawing:
    """Mixin of ``Visualizer``: every method draws onto ``self.ax_save`` and
    returns the visualizer, so calls chain."""

    def _is_posion_valid(self, position: np.ndarray) -> bool:
        """Whether all ``(x, y)`` positions lie inside the image."""
        return bool((position[..., 0] < self.width).all() and (position[..., 0] >= 0).all()
                    and (position[..., 1] < self.height).all()
                    and (position[..., 1] >= 0).all())

    def _line_widths(self, line_widths: Widths, count: int) -> list:
        if isinstance(line_widths, (int, float)):
            line_widths = [line_widths] * count
        return [min(max(width, 1), self._default_font_size / 4) for width in line_widths]

    @master_only
    def draw_points(self, positions: Union[np.ndarray, torch.Tensor], colors: Colors = 'g',
                    marker: Optional[str] = None,
                    sizes: Optional[Union[np.ndarray, torch.Tensor]] = None):
        """Points at ``positions`` ``(N, 2)``."""
        check_type('positions', positions, (np.ndarray, torch.Tensor))
        positions = tensor2ndarray(positions)
        if positions.ndim == 1:
            positions = positions[None]
        assert positions.shape[-1] == 2, \
            f'The shape of `positions` should be (N, 2), but got {positions.shape}'
        self.ax_save.scatter(positions[:, 0], positions[:, 1], c=color_val_matplotlib(colors),
                             s=sizes, marker=marker)
        return self

    @master_only
    def draw_texts(self, texts: Union[str, List[str]], positions: Union[np.ndarray, torch.Tensor],
                   font_sizes: Optional[Union[int, List[int]]] = None, colors: Colors = 'g',
                   vertical_alignments: Union[str, List[str]] = 'top',
                   horizontal_alignments: Union[str, List[str]] = 'left',
                   font_families: Union[str, List[str]] = 'sans-serif',
                   bboxes: Optional[Union[dict, List[dict]]] = None, font_properties=None):
        """``texts`` at ``positions`` ``(N, 2)``; every style argument is one
        value for all texts or a list with one per text."""
        _matplotlib()
        from matplotlib.font_manager import FontProperties
        check_type('texts', texts, (str, list))
        texts = [texts] if isinstance(texts, str) else texts
        count = len(texts)
        check_type('positions', positions, (np.ndarray, torch.Tensor))
        positions = tensor2ndarray(positions)
        if positions.ndim == 1:
            positions = positions[None]
        assert positions.shape == (count, 2), \
            f'`positions` should have the shape of ({count}, 2), but got {positions.shape}'
        if not self._is_posion_valid(positions):
            _warn_out_of_bounds('text')
        positions = positions.tolist()
        font_sizes = self._default_font_size if font_sizes is None else font_sizes
        check_type_and_length('font_sizes', font_sizes, (int, float, list), count)
        font_sizes = value2list(font_sizes, (int, float), count)
        check_type_and_length('colors', colors, (str, tuple, list), count)
        colors = color_val_matplotlib(value2list(colors, (str, tuple), count))
        per_text = {}
        for name, value in (('vertical_alignments', vertical_alignments),
                            ('horizontal_alignments', horizontal_alignments),
                            ('font_families', font_families)):
            check_type_and_length(name, value, (str, list), count)
            per_text[name] = value2list(value, str, count)
        if font_properties is None:
            font_properties = [None] * count
        else:
            check_type_and_length('font_properties', font_properties, (FontProperties, list),
                                  count)
            font_properties = value2list(font_properties, FontProperties, count)
        if bboxes is None:
            bboxes = [None] * count
        else:
            check_type_and_length('bboxes', bboxes, (dict, list), count)
            bboxes = value2list(bboxes, dict, count)
        for i in range(count):
            self.ax_save.text(positions[i][0], positions[i][1], texts[i], size=font_sizes[i],
                              bbox=bboxes[i],
                              verticalalignment=per_text['vertical_alignments'][i],
                              horizontalalignment=per_text['horizontal_alignments'][i],
                              family=per_text['font_families'][i],
                              fontproperties=font_properties[i], color=colors[i])
        return self

    @master_only
    def draw_lines(self, x_datas: Union[np.ndarray, torch.Tensor],
                   y_datas: Union[np.ndarray, torch.Tensor], colors: Colors = 'g',
                   line_styles: Union[str, List[str]] = '-', line_widths: Widths = 2):
        """Segments from ``(x_datas[i, 0], y_datas[i, 0])`` to
        ``(x_datas[i, 1], y_datas[i, 1])``."""
        _matplotlib()
        from matplotlib.collections import LineCollection
        check_type('x_datas', x_datas, (np.ndarray, torch.Tensor))
        check_type('y_datas', y_datas, (np.ndarray, torch.Tensor))
        x_datas, y_datas = tensor2ndarray(x_datas), tensor2ndarray(y_datas)
        assert x_datas.shape == y_datas.shape, \
            '`x_datas` and `y_datas` should have the same shape'
        assert x_datas.shape[-1] == 2, \
            f'The shape of `x_datas` should be (N, 2), but got {x_datas.shape}'
        if x_datas.ndim == 1:
            x_datas, y_datas = x_datas[None], y_datas[None]
        lines = np.concatenate((x_datas.reshape(-1, 2, 1), y_datas.reshape(-1, 2, 1)), axis=-1)
        if not self._is_posion_valid(lines):
            _warn_out_of_bounds('line')
        self.ax_save.add_collection(LineCollection(
            lines.tolist(), colors=color_val_matplotlib(colors), linestyles=line_styles,
            linewidths=line_widths))
        return self

    @master_only
    def draw_circles(self, center: Union[np.ndarray, torch.Tensor],
                     radius: Union[np.ndarray, torch.Tensor], edge_colors: Colors = 'g',
                     line_styles: Union[str, List[str]] = '-', line_widths: Widths = 2,
                     face_colors: Colors = 'none', alpha: Union[float, int] = 0.8):
        """Circles of ``radius`` ``(N,)`` around ``center`` ``(N, 2)``."""
        _matplotlib()
        from matplotlib.collections import PatchCollection
        from matplotlib.patches import Circle
        check_type('center', center, (np.ndarray, torch.Tensor))
        check_type('radius', radius, (np.ndarray, torch.Tensor))
        center, radius = tensor2ndarray(center), tensor2ndarray(radius)
        if center.ndim == 1:
            center = center[None]
        assert center.shape == (radius.shape[0], 2), \
            f'The shape of `center` should be (radius.shape, 2), but got {center.shape}'
        reach = np.tile(radius.reshape((-1, 1)), (1, 2))
        if not (self._is_posion_valid(center - reach) and self._is_posion_valid(center + reach)):
            _warn_out_of_bounds('circle')
        circles = [Circle(tuple(c), r) for c, r in zip(center.tolist(), radius.tolist())]
        self.ax_save.add_collection(PatchCollection(
            circles, alpha=alpha, facecolors=color_val_matplotlib(face_colors),
            edgecolors=color_val_matplotlib(edge_colors),
            linewidths=self._line_widths(line_widths, len(circles)), linestyles=line_styles))
        return self

    @master_only
    def draw_bboxes(self, bboxes: Union[np.ndarray, torch.Tensor], edge_colors: Colors = 'g',
                    line_styles: Union[str, List[str]] = '-', line_widths: Widths = 2,
                    face_colors: Colors = 'none', alpha: Union[int, float] = 0.8):
        """Boxes ``(N, 4)`` as ``x1, y1, x2, y2``."""
        check_type('bboxes', bboxes, (np.ndarray, torch.Tensor))
        bboxes = tensor2ndarray(bboxes)
        if bboxes.ndim == 1:
            bboxes = bboxes[None]
        assert bboxes.shape[-1] == 4, \
            f'The shape of `bboxes` should be (N, 4), but got {bboxes.shape}'
        assert (bboxes[:, 0] <= bboxes[:, 2]).all() and (bboxes[:, 1] <= bboxes[:, 3]).all()
        if not self._is_posion_valid(bboxes.reshape((-1, 2, 2))):
            _warn_out_of_bounds('bbox')
        corners = np.stack((bboxes[:, 0], bboxes[:, 1], bboxes[:, 2], bboxes[:, 1],
                            bboxes[:, 2], bboxes[:, 3], bboxes[:, 0], bboxes[:, 3]),
                           axis=-1).reshape(-1, 4, 2)
        return self.draw_polygons(list(corners), alpha=alpha, edge_colors=edge_colors,
                                  line_styles=line_styles, line_widths=line_widths,
                                  face_colors=face_colors)

    @master_only
    def draw_polygons(self, polygons, edge_colors: Colors = 'g',
                      line_styles: Union[str, List[str]] = '-', line_widths: Widths = 2,
                      face_colors: Colors = 'none', alpha: Union[int, float] = 0.8):
        """Polygons: one ``(M, 2)`` array (or tensor) or a list of them."""
        _matplotlib()
        from matplotlib.collections import PolyCollection
        check_type('polygons', polygons, (list, np.ndarray, torch.Tensor))
        if isinstance(polygons, (np.ndarray, torch.Tensor)):
            polygons = [polygons]
        for polygon in polygons:
            assert polygon.shape[1] == 2, ('The shape of each polygon in `polygons` should be '
                                           f'(M, 2), but got {polygon.shape}')
        polygons = [tensor2ndarray(polygon) for polygon in polygons]
        for polygon in polygons:
            if not self._is_posion_valid(polygon):
                _warn_out_of_bounds('polygon')
        self.ax_save.add_collection(PolyCollection(
            polygons, alpha=alpha, facecolor=color_val_matplotlib(face_colors),
            linestyles=line_styles, edgecolors=color_val_matplotlib(edge_colors),
            linewidths=self._line_widths(line_widths, len(polygons))))
        return self

    @master_only
    def draw_binary_masks(self, binary_masks: Union[np.ndarray, torch.Tensor],
                          colors: Colors = 'g', alphas: Union[float, List[float]] = 0.8):
        """Each boolean mask ``(H, W)`` (or ``(N, H, W)``) painted in its
        colour, blended with weight ``alphas``."""
        check_type('binary_masks', binary_masks, (np.ndarray, torch.Tensor))
        binary_masks = tensor2ndarray(binary_masks)
        assert binary_masks.dtype == np.bool_, \
            f'The dtype of binary_masks should be np.bool_, but got {binary_masks.dtype}'
        image = self.get_image()
        if binary_masks.ndim == 2:
            binary_masks = binary_masks[None]
        assert image.shape[:2] == binary_masks.shape[1:], \
            '`binary_masks` must have the same shape with image'
        count = binary_masks.shape[0]
        check_type_and_length('colors', colors, (str, tuple, list), count)
        colors = [color_str2rgb(c) if isinstance(c, str) else c
                  for c in value2list(colors, (str, tuple), count)]
        for color in colors:
            assert len(color) == 3 and all(0 <= channel <= 255 for channel in color)
        alphas = [alphas] * count if isinstance(alphas, float) else alphas
        for mask, color, alpha in zip(binary_masks, colors, alphas):
            painted = np.where(mask[..., None], np.asarray(color, dtype=image.dtype), image)
            image = _blend(image, painted, alpha)
        self.ax_save.imshow(image, extent=(0, self.width, self.height, 0),
                            interpolation='nearest')
        return self

    @staticmethod
    @master_only
    def draw_featmap(featmap: torch.Tensor, overlaid_image: Optional[np.ndarray] = None,
                     channel_reduction: Optional[str] = 'squeeze_mean', topk: int = 20,
                     arrangement: Tuple[int, int] = (4, 5),
                     resize_shape: Optional[tuple] = None, alpha: float = 0.5) -> np.ndarray:
        """A ``(C, H, W)`` feature map as an RGB heat map: channels averaged
        (``'squeeze_mean'``) or the strongest one (``'select_max'``); with
        no reduction, the ``topk`` strongest channels tiled by
        ``arrangement`` (or the map itself when it has 1 or 3 channels and
        ``topk <= 0``). Overlaid on ``overlaid_image`` when given."""
        assert isinstance(featmap, torch.Tensor), \
            f'`featmap` should be torch.Tensor, but got {type(featmap)}'
        assert featmap.ndim == 3, f'Input dimension must be 3, but got {featmap.ndim}'
        featmap = featmap.detach().cpu()
        if overlaid_image is not None:
            if overlaid_image.ndim == 2:
                overlaid_image = np.repeat(overlaid_image[..., None], 3, axis=2)
            if overlaid_image.shape[:2] != featmap.shape[1:]:
                warnings.warn(f'Since the spatial dimensions of overlaid_image: '
                              f'{overlaid_image.shape[:2]} and featmap: {featmap.shape[1:]} are '
                              'not same, the feature map will be interpolated. This may cause '
                              'mismatch problems !')
                if resize_shape is None:
                    featmap = F.interpolate(featmap[None], overlaid_image.shape[:2],
                                            mode='bilinear', align_corners=False)[0]
        if resize_shape is not None:
            featmap = F.interpolate(featmap[None], resize_shape, mode='bilinear',
                                    align_corners=False)[0]
            if overlaid_image is not None:
                overlaid_image = _resize(overlaid_image, resize_shape)
        if channel_reduction is not None:
            assert channel_reduction in ('squeeze_mean', 'select_max'), \
                f'Mode only support "squeeze_mean", "select_max", but got {channel_reduction}'
            if channel_reduction == 'select_max':
                _, indices = torch.topk(torch.sum(featmap, dim=(1, 2)), 1)
                feat_map = featmap[indices]
            else:
                feat_map = torch.mean(featmap, dim=0)
            return convert_overlay_heatmap(feat_map, overlaid_image, alpha)
        if topk <= 0:
            assert featmap.shape[0] in (1, 3), (
                'The input tensor channel dimension must be 1 or 3 when topk is less than 1, '
                f'but the channel dimension you input is {featmap.shape[0]}, you can use the '
                'channel_reduction parameter or set topk greater than 0 to solve the error')
            return convert_overlay_heatmap(featmap, overlaid_image, alpha)
        _matplotlib()
        import matplotlib.pyplot as plt
        row, col = arrangement
        channel, height, width = featmap.shape
        assert row * col >= topk, ('The product of row and col in the `arrangement` is less '
                                   'than topk, please set the `arrangement` correctly')
        topk = min(channel, topk)
        _, indices = torch.topk(torch.sum(featmap, dim=(1, 2)), topk)
        topk_featmap = featmap[indices]
        fig = plt.figure(frameon=False)
        fig.subplots_adjust(left=0, right=1, bottom=0, top=1, wspace=0, hspace=0)
        dpi = fig.get_dpi()
        fig.set_size_inches((width * col + 0.01) / dpi, (height * row + 0.01) / dpi)
        for i in range(topk):
            axes = fig.add_subplot(row, col, i + 1)
            axes.axis('off')
            axes.text(2, 15, f'channel: {indices[i]}', fontsize=10)
            axes.imshow(convert_overlay_heatmap(topk_featmap[i], overlaid_image, alpha))
        image = img_from_canvas(fig.canvas)
        plt.close(fig)
        return image


def _resize(image: np.ndarray, shape: tuple) -> np.ndarray:
    """``image`` resized to ``shape`` (H, W): OpenCV's bilinear resize where
    installed, else torch's."""
    try:
        import cv2
        return cv2.resize(image, shape[::-1])
    except ImportError:
        tensor = torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float()
        resized = F.interpolate(tensor, shape, mode='bilinear', align_corners=False)[0]
        return resized.permute(1, 2, 0).round().clamp(0, 255).byte().numpy()
