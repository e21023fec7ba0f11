"""mmengine.dataset: BaseDataset (annotation files, lazy init, serialized
samples, subsets, refetching) and the dataset wrappers."""
import json

import numpy as np
import pytest

from mmmigrate.engine.dataset import (BaseDataset, ClassBalancedDataset, Compose,
                                      ConcatDataset, RepeatDataset)
from mmmigrate.engine.registry import DATASETS


class Labelled(BaseDataset):
    METAINFO = dict(classes=('cat', 'dog'))

    def get_cat_ids(self, idx):
        return [self.get_data_info(idx)['label']]


def _ann_file(tmp_path, labels=(0, 1, 0, 0)):
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(
        metainfo=dict(dataset='toy', classes=('ignored', )),
        data_list=[dict(img_path=f'{i}.jpg', label=label) for i, label in enumerate(labels)])))
    return path


@pytest.mark.parametrize('serialize', [True, False])
def test_base_dataset_reads_annotations_and_joins_prefixes(tmp_path, serialize):
    _ann_file(tmp_path)
    dataset = Labelled(ann_file='ann.json', data_root=str(tmp_path),
                       data_prefix=dict(img_path='images'), serialize_data=serialize)
    assert len(dataset) == 4
    info = dataset.get_data_info(-1)
    assert info['img_path'] == str(tmp_path / 'images' / '3.jpg') and info['sample_idx'] == 3
    # the class's METAINFO wins over the file's; the file adds the rest
    assert dataset.metainfo == dict(classes=('cat', 'dog'), dataset='toy')
    assert dataset[1]['label'] == 1  # no pipeline: the sample itself


def test_lazy_init_subsets_and_pipeline(tmp_path):
    _ann_file(tmp_path)
    seen = []

    def keep_dogs(sample):
        seen.append(sample['sample_idx'])
        return sample if sample['label'] == 1 else None

    dataset = Labelled(ann_file=str(tmp_path / 'ann.json'), lazy_init=True,
                       pipeline=[keep_dogs], indices=[1, 2, 3])
    assert not dataset._fully_initialized
    np.random.seed(0)
    assert dataset[1]['label'] == 1  # full_init on first use; refetches until a dog
    assert dataset._fully_initialized and len(dataset) == 3
    assert seen[0] == 1 and seen[-1] == 0
    first_two = dataset.get_subset(2)
    assert len(first_two) == 2 and len(dataset) == 3
    last = dataset.get_subset([-1])
    assert last.get_data_info(0)['img_path'] == '3.jpg'
    dataset.get_subset_(-1)
    assert len(dataset) == 1
    test_mode = Labelled(ann_file=str(tmp_path / 'ann.json'), pipeline=[keep_dogs],
                         test_mode=True)
    with pytest.raises(Exception, match='should not get `None`'):
        test_mode[0]


def test_bad_annotation_files_are_clear_errors(tmp_path):
    (tmp_path / 'list.json').write_text('[1, 2]')
    with pytest.raises(TypeError, match='should be a dict'):
        BaseDataset(ann_file=str(tmp_path / 'list.json'))
    (tmp_path / 'nometa.json').write_text('{"data_list": []}')
    with pytest.raises(ValueError, match='data_list and metainfo'):
        BaseDataset(ann_file=str(tmp_path / 'nometa.json'))
    with pytest.raises(TypeError, match='transform must be a callable'):
        Compose([3])


def test_wrappers_concat_repeat_and_balance(tmp_path):
    _ann_file(tmp_path)
    DATASETS.register_module(module=Labelled, force=True)
    config = dict(type='Labelled', ann_file=str(tmp_path / 'ann.json'))
    concat = ConcatDataset([config, config])
    assert len(concat) == 8 and concat.get_data_info(5)['sample_idx'] == 1
    assert concat[-1]['img_path'] == '3.jpg'
    repeat = RepeatDataset(config, times=3)
    assert len(repeat) == 12 and repeat[9]['img_path'] == '1.jpg'
    # dog: 1 of 4 samples -> repeat factor sqrt(0.5 / 0.25) = 1.41 -> 2 copies
    balanced = ClassBalancedDataset(config, oversample_thr=0.5)
    assert balanced.repeat_indices == [0, 1, 1, 2, 3]
    with pytest.raises(NotImplementedError, match='get_subset'):
        repeat.get_subset(1)
    other = Labelled(ann_file=str(tmp_path / 'ann.json'), metainfo=dict(classes=('x', )))
    with pytest.raises(ValueError, match='does not match'):
        ConcatDataset([config, other])
    assert len(ConcatDataset([config, other], ignore_keys='classes')) == 8
