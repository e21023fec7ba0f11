"""mmengine.fileio's storage backends and the io functions over them, and
the checkpoint loaders by path prefix."""
import sys
import types

import pytest
import torch

from mmmigrate.engine import fileio
from mmmigrate.engine.runner import CheckpointLoader, save_checkpoint
from mmmigrate.engine.runner.checkpoint import load_from_local


def test_get_file_backend_by_prefix_and_by_name(tmp_path):
    assert isinstance(fileio.get_file_backend(str(tmp_path)), fileio.LocalBackend)
    assert isinstance(fileio.get_file_backend('https://host/x'), fileio.HTTPBackend)
    named = fileio.get_file_backend('https://host/x', backend_args=dict(backend='local'))
    assert isinstance(named, fileio.LocalBackend)
    first = fileio.get_file_backend(str(tmp_path), enable_singleton=True)
    assert fileio.get_file_backend(str(tmp_path), enable_singleton=True) is first
    with pytest.raises(ValueError, match='uri should not be None'):
        fileio.get_file_backend()


def test_local_copy_remove_and_links(tmp_path):
    (tmp_path / 'src').mkdir()
    fileio.put_text('x', str(tmp_path / 'src' / 'a.txt'))
    fileio.copyfile(str(tmp_path / 'src' / 'a.txt'), str(tmp_path / 'b.txt'))
    assert fileio.get_text(str(tmp_path / 'b.txt')) == 'x'
    fileio.copytree(str(tmp_path / 'src'), str(tmp_path / 'copy'))
    assert sorted(fileio.list_dir_or_file(str(tmp_path / 'copy'))) == ['a.txt']
    assert fileio.copy_if_symlink_fails(str(tmp_path / 'b.txt'), str(tmp_path / 'link.txt'))
    assert (tmp_path / 'link.txt').is_symlink()
    fileio.rmtree(str(tmp_path / 'copy'))
    assert not (tmp_path / 'copy').exists()
    with pytest.raises(FileNotFoundError):
        fileio.remove(str(tmp_path / 'missing.txt'))


class _FakePetrelClient:
    """An in-memory stand-in for petrel_client.client.Client."""

    def __init__(self, conf_path=None, enable_mc=True):
        self.objects = {}

    def Get(self, path):
        return self.objects[path]

    def put(self, path, data):
        self.objects[path] = data

    def contains(self, path):
        return path in self.objects

    def isdir(self, path):
        return any(key.startswith(path.rstrip('/') + '/') for key in self.objects)


def test_petrel_backend_maps_paths_and_needs_its_client(monkeypatch):
    with pytest.raises(ImportError, match='install petrel_client'):
        fileio.get_file_backend('s3://bucket/a')
    module = types.ModuleType('petrel_client')
    module.client = types.SimpleNamespace(Client=_FakePetrelClient)
    monkeypatch.setitem(sys.modules, 'petrel_client', module)
    backend = fileio.PetrelBackend(path_mapping={'data/': 's3://bucket/data/'})
    backend.put_text('hello', 'data/x.txt')  # mapped to s3://bucket/data/x.txt
    assert backend._client.objects == {'s3://bucket/data/x.txt': b'hello'}
    plain = fileio.PetrelBackend()
    plain._client = backend._client
    assert plain.get_text('petrel://bucket/data/x.txt') == 'hello'
    assert plain.exists('s3://bucket/data') and plain.isfile('s3://bucket/data/x.txt')
    assert backend.join_path('s3://bucket/', '/data', 'x') == 's3://bucket/data/x'
    with pytest.raises(NotImplementedError, match='delete'):
        backend.remove('s3://bucket/data/x.txt')


def test_checkpoint_loaders_by_prefix(tmp_path):
    names = {'http://a/b.pth': 'load_from_http', 'torchvision://resnet50':
             'load_from_torchvision', 'open-mmlab://x': 'load_from_openmmlab',
             'mmcls://x': 'load_from_mmcls', 'pavi://x': 'load_from_pavi',
             's3://x': 'load_from_ceph', 'cluster:s3://x': 'load_from_ceph',
             '/local/x.pth': 'load_from_local'}
    for path, name in names.items():
        assert CheckpointLoader._get_checkpoint_loader(path).__name__ == name, path
    save_checkpoint(dict(weight=torch.ones(2)), str(tmp_path / 'w.pth'))
    assert torch.equal(load_from_local(str(tmp_path / 'w.pth'))['weight'], torch.ones(2))

    @CheckpointLoader.register_scheme(prefixes='memory://')
    def load_from_memory(filename, map_location):  # a loader without weights_only
        return dict(filename=filename)
    try:
        assert CheckpointLoader.load_checkpoint('memory://a') == dict(filename='memory://a')
        with pytest.raises(KeyError, match='already registered'):
            CheckpointLoader.register_scheme('memory://', load_from_memory)
    finally:
        CheckpointLoader._schemes.pop('memory://')
