"""mmengine.structures: instance-, pixel- and label-level data elements."""
import numpy as np
import pytest
import torch

from mmmigrate.engine.structures import BaseDataElement, InstanceData, LabelData, PixelData


def _instances():
    data = InstanceData(metainfo=dict(img_shape=(4, 4)))
    data.labels = torch.tensor([3, 1, 2])
    data.scores = np.array([0.5, 0.9, 0.1])
    data.names = ['a', 'b', 'c']
    return data


def test_instance_data_indexes_every_field_together():
    data = _instances()
    assert len(data) == 3
    picked = data[data.labels > 1]
    assert picked.labels.tolist() == [3, 2] and picked.names == ['a', 'c']
    assert picked.scores.tolist() == [0.5, 0.1] and picked.img_shape == (4, 4)
    assert data[[2, 0]].names == ['c', 'a']
    assert data[torch.tensor([1])].labels.tolist() == [1]
    assert data[-1].names == ['c'] and len(data[1:]) == 2
    assert data['names'] == ['a', 'b', 'c']
    assert data[data.labels > 5].names == []
    with pytest.raises(IndexError):
        data[3]
    with pytest.raises(AssertionError):
        data[torch.tensor([1.0])]            # float index
    with pytest.raises(AssertionError):
        data[torch.tensor([True, False])]    # mask of the wrong length
    with pytest.raises(AssertionError):
        data.boxes = torch.zeros(2, 4)       # wrong number of instances


def test_instance_data_cat_joins_and_checks_keys():
    data = _instances()
    both = InstanceData.cat([data, data[:1]])
    assert both.labels.tolist() == [3, 1, 2, 3] and both.names == ['a', 'b', 'c', 'a']
    assert both.scores.shape == (4,)
    other = InstanceData(labels=torch.tensor([1]))
    with pytest.raises(AssertionError, match='different keys'):
        InstanceData.cat([data, other])


def test_pixel_data_keeps_one_height_and_width():
    with pytest.warns(UserWarning):
        pixels = PixelData(seg=torch.zeros(4, 5))
    assert pixels.seg.shape == (1, 4, 5) and pixels.shape == (4, 5)
    crop = pixels[1:3, 2]
    assert crop.seg.shape == (1, 2, 1)
    with pytest.raises(AssertionError):
        pixels.heat = torch.zeros(1, 3, 3)
    with pytest.raises(TypeError):
        pixels[1]


def test_label_data_one_hot_round_trip():
    onehot = LabelData.label_to_onehot(torch.tensor([1, 3]), 5)
    assert onehot.tolist() == [0, 1, 0, 1, 0]
    assert LabelData.onehot_to_label(onehot).tolist() == [1, 3]
    with pytest.raises(ValueError):
        LabelData.onehot_to_label(torch.tensor([2, 0]))


def test_base_data_element_new_replaces_metainfo_and_converts_tensors_only():
    element = BaseDataElement(metainfo=dict(a=1), x=torch.ones(2), tag='t')
    new = element.new(metainfo=dict(b=2))
    assert new.metainfo == dict(b=2) and new.tag == 't'
    as_numpy = element.numpy()
    assert isinstance(as_numpy.x, np.ndarray) and as_numpy.tag == 't'
    assert isinstance(as_numpy.to_tensor().x, torch.Tensor)
    assert 'META INFORMATION' in repr(element) and 'a: 1' in repr(element)
