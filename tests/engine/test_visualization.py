"""mmengine.visualization: drawing on images (matplotlib), the utils, and
the backends that store images."""
import numpy as np
import pytest
import torch

from mmmigrate.engine.visualization import LocalVisBackend, Visualizer, WandbVisBackend
from mmmigrate.engine.visualization.utils import (color_val_matplotlib,
                                                  convert_overlay_heatmap, value2list)

pytest.importorskip('matplotlib')  # the `vis` extra (in the `test` extra too)


def test_drawing_changes_exactly_the_drawn_pixels():
    visualizer = Visualizer(name='draw-test')
    image = np.zeros((40, 60, 3), dtype=np.uint8)
    visualizer.set_image(image)
    assert visualizer.get_image().shape == (40, 60, 3)
    assert not visualizer.get_image().any()
    visualizer.draw_bboxes(torch.tensor([10, 5, 30, 20]), edge_colors=(255, 0, 0),
                           line_widths=1)
    drawn = visualizer.get_image()
    assert drawn[5:21, 10:31, 0].any()         # the box outline, in red
    assert not drawn[25:, 40:].any()           # nothing elsewhere
    assert not drawn[..., 1:].any()            # only the red channel
    mask = np.zeros((40, 60), dtype=bool)
    mask[30:, :10] = True
    visualizer.draw_binary_masks(mask, colors=[(0, 255, 0)], alphas=1.0)
    assert (visualizer.get_image()[32, 2] == (0, 255, 0)).all()
    with pytest.raises(AssertionError, match='should be \\(N, 4\\)'):
        visualizer.draw_bboxes(np.zeros((1, 3)))
    with pytest.warns(UserWarning, match='out of bounds'):
        visualizer.draw_texts('far', np.array([100, 100]))


def test_feature_maps_become_heat_maps():
    featmap = torch.arange(2 * 4 * 6, dtype=torch.float32).reshape(2, 4, 6)
    heat = Visualizer.draw_featmap(featmap, channel_reduction='squeeze_mean')
    assert heat.shape == (4, 6, 3) and heat.dtype == np.uint8
    # jet: the smallest value is blue, the largest red
    assert heat[0, 0, 2] > heat[0, 0, 0] and heat[-1, -1, 0] > heat[-1, -1, 2]
    overlay = convert_overlay_heatmap(featmap[0], np.zeros((4, 6, 3), np.uint8), alpha=0.5)
    assert overlay.max() <= 128
    tiles = Visualizer.draw_featmap(featmap, channel_reduction=None, topk=2,
                                    arrangement=(1, 2))
    assert tiles.shape[:2] == (4, 12)


def test_utils_convert_colours_and_values():
    assert color_val_matplotlib((255, 0, 51)) == (1.0, 0.0, 0.2)
    assert color_val_matplotlib(['r', (0, 0, 0)]) == ['r', (0.0, 0.0, 0.0)]
    assert value2list(3, int, 2) == [3, 3]
    with pytest.raises(TypeError):
        color_val_matplotlib(3)


def test_local_backend_saves_images_and_trackers_say_what_to_install(tmp_path):
    backend = LocalVisBackend(str(tmp_path))
    backend.add_image('sample', np.full((4, 5, 3), 200, dtype=np.uint8), step=3)
    assert (tmp_path / 'vis_image' / 'sample_3.png').is_file()
    with pytest.raises(ImportError, match='pip install wandb'):
        WandbVisBackend(str(tmp_path)).add_scalar('loss', 1.0)
    with pytest.warns(UserWarning, match='provide the `save_dir`'):
        assert Visualizer(name='no-dir', vis_backends=[dict(type='LocalVisBackend')]) \
            .get_backend('LocalVisBackend') is None
