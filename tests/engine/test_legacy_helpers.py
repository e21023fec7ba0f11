"""The helpers MMCV 1.x code imports and `mmmigrate convert` moves to
`mmengine.utils` / `mmengine.fileio` / `mmengine.testing` /
`mmengine.utils.dl_utils`: every moved name of rules/imports.yaml exists in
the bundled engine, and the helpers behave as MMEngine 0.10.7's (the same
calls run on real MMEngine in its oracle venv give the same results)."""
import importlib
import json
import subprocess
import tempfile
import warnings
from pathlib import Path

import pytest
import torch

from mmmigrate.engine import fileio, testing, utils
from mmmigrate.engine.alias import install_mmengine_alias
from mmmigrate.rules.import_table import _tables



def test_every_moved_name_exists_in_the_bundled_engine():
    """Converted code imports these; on the bundled engine they must be there."""
    install_mmengine_alias(prefer_bundled=True)
    missing = []
    for table_name, table in _tables().items():
        for name, entry in table['names'].items():
            target = entry.get('to', '') if isinstance(entry, dict) else ''
            if not target.startswith('mmengine'):
                continue
            try:
                found = importlib.import_module(target)
                for part in entry.get('name', name).split('.'):
                    found = getattr(found, part)
            except (ImportError, AttributeError) as e:
                missing.append(f'{table_name}.{name} -> {target}: {e}')
    assert not missing, '\n'.join(missing)


# The same calls, made here on the bundled engine and on real MMEngine; each
# returns plain data.
CALLS = r'''
import io, json, os, shutil, tempfile, warnings
def run(mmengine):
    from mmengine import fileio, utils
    out, tmp = {}, tempfile.mkdtemp()
    out['ntuple'] = [utils.to_2tuple(3), utils.to_2tuple([1, 2]), utils.to_ntuple(3)(0.5), utils.to_2tuple('ab')]
    for name in ('b.py', 'a.txt', '.hidden', 'sub/c.TXT', 'sub/deeper/d.txt'):
        os.makedirs(os.path.dirname(os.path.join(tmp, name)), exist_ok=True)
        open(os.path.join(tmp, name), 'w').write('x')
    out['scandir'] = [sorted(utils.scandir(tmp)), sorted(utils.scandir(tmp, '.txt', True)),
                      sorted(utils.scandir(tmp, ('.txt', '.py'), True, case_sensitive=False))]
    lines = os.path.join(tmp, 'lines.txt')
    open(lines, 'w').write('a 1\nb 2 3\r\nc 4\n')
    out['list_from_file'] = [fileio.list_from_file(lines), fileio.list_from_file(
        lines, prefix='p/', offset=1, max_num=1)]
    out['dict_from_file'] = fileio.dict_from_file(lines)
    out['dump_json'] = fileio.dump({'a': (1, 2), 'b': {3}, 'c': range(2)}, file_format='json')
    path = os.path.join(tmp, 'x.json')
    fileio.dump({'k': [1, 2.5]}, path)
    out['json_file'] = [open(path).read(), fileio.load(path)]
    out['pickle'] = fileio.load(io.BytesIO(fileio.dump({'p': 1}, file_format='pkl')),
                                file_format='pkl')
    client = fileio.FileClient('disk')
    out['client'] = [client.name, client.get_text(lines), client.exists(lines),
                     client.isdir(tmp), client.join_path('a', 'b'),
                     sorted(client.list_dir_or_file(tmp, list_dir=False, suffix='.txt')),
                     sorted(client.list_dir_or_file(tmp, recursive=True)),
                     fileio.FileClient.parse_uri_prefix('cluster:s3://b/k'),
                     client is fileio.FileClient('disk')]
    @utils.deprecated_api_warning({'old': 'new'}, cls_name='Thing')
    def f(new=0):
        return new
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        out['deprecated'] = [f(old=5), [str(w.message) for w in caught]]
    bar_file = io.StringIO()
    bar = utils.ProgressBar(0, file=bar_file)
    bar.update()
    out['progress_no_total'] = bar_file.getvalue().split(' elapsed')[0]
    out['track'] = utils.track_progress(lambda x: x * 2, [1, 2, 3], file=io.StringIO())
    shutil.rmtree(tmp)
    return out
'''


def _ours() -> dict:
    namespace = {}
    exec(CALLS, namespace)
    install_mmengine_alias(prefer_bundled=True)
    return json.loads(json.dumps(namespace['run']('bundled'), default=list))


def test_the_helpers_do_what_they_say():
    result = _ours()
    assert result['ntuple'] == [[3, 3], [1, 2], [0.5, 0.5, 0.5], 'ab']  # iterables as they are
    assert result['scandir'][0] == ['a.txt', 'b.py']  # not hidden files, not folders
    assert 'sub/c.TXT' in result['scandir'][2] and 'sub/c.TXT' not in result['scandir'][1]
    assert result['list_from_file'] == [['a 1', 'b 2 3', 'c 4'], ['p/b 2 3']]
    assert result['dict_from_file'] == {'a': '1', 'b': ['2', '3'], 'c': '4'}
    assert result['deprecated'][0] == 5
    assert result['deprecated'][1] == ['"old" is deprecated in `Thing.f`, please use "new" '
                                       'instead']
    assert result['track'] == [2, 4, 6]


def test_the_helpers_match_real_mmengine(mmengine_python):
    python = mmengine_python
    code = CALLS + '\nimport sys\njson.dump(run("real"), open(sys.argv[1], "w"), default=list)\n'
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / 'out.json'
        out = subprocess.run([str(python), '-W', 'ignore', '-c', code, str(target)],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-3000:]
        theirs = json.loads(target.read_text())
    ours = _ours()
    for key in theirs:
        assert ours[key] == theirs[key], key


def test_bad_input_says_what_is_wrong(tmp_path):
    # as in MMEngine: the backend exists, its client library is missing
    with pytest.raises(ImportError, match='install petrel_client'):
        fileio.FileClient(backend='petrel')
    with pytest.raises(ImportError, match='install petrel_client'):
        fileio.get_file_backend('s3://bucket/file')
    with pytest.raises(ValueError, match='ftp is not supported'):
        fileio.FileClient(prefix='ftp')
    with pytest.raises(ValueError, match='no storage backend serves ftp://'):
        fileio.get_file_backend('ftp://host/file')
    with pytest.raises(TypeError, match='Unsupported format: csv'):
        fileio.load(tmp_path / 'x.csv')
    bad = tmp_path / 'bad.txt'
    bad.write_text('key value\nlonely\n')
    with pytest.raises(ValueError, match='bad.txt:2: a line of dict_from_file needs a key'):
        fileio.dict_from_file(bad)

    @utils.deprecated_api_warning({'old': 'new'})
    def f(new=0):
        return new
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        with pytest.raises(ValueError, match='both the deprecated argument `old` and its new'):
            f(old=1, new=2)

    @utils.requires_package('surely_not_a_package_xyz')
    def needs():
        pass
    with pytest.raises(RuntimeError, match='Prerequisites not meet'):
        needs()


def test_file_client_backends_can_be_registered(tmp_path):
    """FileClient.register_backend, as a decorator, with a URI prefix; and
    the local path of a disk file is the file itself."""
    @fileio.FileClient.register_backend('upper', prefixes='upper')
    class Upper(fileio.BaseStorageBackend):
        def get(self, filepath):
            return filepath.upper().encode()

        def get_text(self, filepath, encoding='utf-8'):
            return filepath.upper()

    try:
        assert fileio.FileClient.infer_client(uri='upper://a/b').get_text('upper://a/b') == \
            'UPPER://A/B'
        # FileClient's registry is its own, as in MMEngine: the io
        # functions use `register_backend`.
        with pytest.raises(ValueError, match='no storage backend serves upper://'):
            fileio.get_text('upper://x')
        fileio.register_backend('upper', Upper, prefixes='upper')
        assert fileio.get_text('upper://x') == 'UPPER://X'
        with pytest.raises(ValueError, match='upper is already registered'):
            fileio.register_backend('upper', Upper)
        with pytest.raises(KeyError, match='upper is already registered'):
            fileio.FileClient.register_backend('upper', Upper)
        with pytest.raises(TypeError, match='not a subclass of BaseStorageBackend'):
            fileio.FileClient.register_backend('plain', object)
    finally:
        fileio.FileClient._backends.pop('upper')
        fileio.FileClient._prefix_to_backends.pop('upper')
        fileio.FileClient._instances.clear()
        from mmmigrate.engine.fileio.backends import backends, prefix_to_backends
        backends.pop('upper', None)
        prefix_to_backends.pop('upper', None)
    target = tmp_path / 'w.txt'
    target.write_text('w')
    with fileio.get_local_path(target) as local:
        assert Path(local) == target


def test_timer_testing_helpers_and_torch_wrappers():
    timer = utils.Timer()
    assert timer.since_start() >= 0 and timer.since_last_check() >= 0
    assert utils.check_time('t') == 0 and utils.check_time('t') >= 0
    with pytest.raises(utils.TimerError, match='timer is not running'):
        utils.Timer(start=False).since_start()
    conv = torch.nn.Conv2d(1, 1, 1)
    torch.nn.init.zeros_(conv.weight)
    torch.nn.init.zeros_(conv.bias)
    assert testing.assert_params_all_zeros(conv)
    assert testing.assert_is_norm_layer(torch.nn.BatchNorm2d(2))
    assert testing.assert_dict_contains_subset({'a': torch.ones(2), 'b': 1}, {'a': torch.ones(2)})
    assert not testing.assert_dict_contains_subset({'a': torch.zeros(2)}, {'a': torch.ones(2)})
    assert testing.assert_dict_has_keys({'a': 1, 'b': 2}, ['a'])
    from mmmigrate.engine.utils.dl_utils import torch_meshgrid
    from mmmigrate.engine.utils.dl_utils.parrots_wrapper import SyncBatchNorm, _BatchNorm
    assert issubclass(SyncBatchNorm, _BatchNorm)
    grid = torch_meshgrid(torch.arange(2), torch.arange(3))
    assert grid[0].shape == (2, 3)


def test_collect_env_gives_mmengines_fields_in_its_order():
    from mmmigrate.engine.utils.dl_utils import collect_env
    env = collect_env()
    expected = ['sys.platform', 'Python', 'CUDA available', 'MUSA available',
                'numpy_random_seed', 'GCC', 'PyTorch', 'PyTorch compiling details', 'MMEngine']
    assert [k for k in env if k in expected] == expected
    assert env['PyTorch'] == __import__('torch').__version__ and env['MMEngine'] == '0.10.7'
    assert env['PyTorch compiling details'].startswith('PyTorch built with')
