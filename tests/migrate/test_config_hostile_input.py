"""`mmmigrate config` on inputs that used to crash or hang it: each is read
as Python reads it or refused with one message naming the file (and line),
never a traceback or a hang, and the rest of the tree is still converted."""
import subprocess
import sys

import pytest

LEGACY = b"optimizer = dict(type='SGD', lr=0.1)\n"
CONVERTED = b"optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))\n"


def config(*args, timeout=60):
    """Run the command; a hang fails here (subprocess timeout), not by a
    timing assertion."""
    return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', *map(str, args)],
                          capture_output=True, timeout=timeout)


def test_a_pep263_coding_line_is_honoured_and_the_encoding_kept(tmp_path):
    path = tmp_path / 'latin1.py'
    original = b'# -*- coding: latin-1 -*-\nname = "caf\xe9"\n' + LEGACY
    path.write_bytes(original)
    first = config(path)
    assert first.returncode == 0, first.stderr
    assert path.read_bytes() == original.replace(LEGACY, CONVERTED)  # still latin-1
    second = config(path, '--check')
    assert second.returncode == 0 and path.read_bytes() == original.replace(LEGACY, CONVERTED)


def test_a_utf8_bom_is_read_and_kept(tmp_path):
    path = tmp_path / 'bom.py'
    path.write_bytes(b'\xef\xbb\xbf' + LEGACY)
    assert config(path).returncode == 0
    assert path.read_bytes() == b'\xef\xbb\xbf' + CONVERTED


@pytest.mark.parametrize('name,content,message', [
    ('utf16.py', '\ufeffx = 1\n'.encode('utf-16'), 'UTF-16 text'),
    ('bad_cookie.py', b'# -*- coding: klingon -*-\nx = 1\n', 'unknown encoding'),
    ('not_utf8.py', b'x = "\xff\xfe"\n', 'invalid or missing encoding declaration'),
    ('too_deep.py', b'x = ' + b'+'.join([b'1'] * 5000) + b'\n', 'Python cannot compile it'),
    ('folder_base.py', b"_base_ = '.'\n", 'a folder'),
    ('device_base.py', b"_base_ = '/dev/zero'\n", 'not a regular file'),
    ('huge_int.py', b'x = ' + b'9' * 5000 + b'\n', '4300 digits'),
    ('oversized.py', b'# ' + b'x' * (9 * 2 ** 20) + b'\n', 'larger than 8 MiB'),
])
def test_unreadable_input_is_one_message_naming_the_file(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    good = tmp_path / 'good.py'
    good.write_bytes(LEGACY)
    result = config(tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 2 and 'Traceback' not in stderr
    assert message in stderr
    assert path.read_bytes() == content  # left untouched
    assert good.read_bytes() == CONVERTED  # one bad file never stops a tree


def test_bases_that_include_each_other_are_named(tmp_path):
    (tmp_path / 'a.py').write_text("_base_ = ['./b.py']\nx = 1\n")
    (tmp_path / 'b.py').write_text("_base_ = './a.py'\ny = 2\n")
    result = config(tmp_path / 'a.py')
    assert result.returncode == 2 and 'Traceback' not in result.stderr.decode()
    assert 'a.py:1: _base_ files include each other (a.py -> b.py -> a.py)' in \
        result.stderr.decode()


def test_deep_and_huge_expressions_are_kept_as_written(tmp_path):
    path = tmp_path / 'cfg.py'
    long_sum = '+'.join(['1'] * 1000)  # Python compiles it; folding would recurse
    path.write_text(f"total = {long_sum}\nrunner = dict(type='EpochBasedRunner', "
                    "max_epochs=10**10**10)\n" + LEGACY.decode())
    result = config(path)
    assert result.returncode == 0, result.stderr
    text = path.read_text()
    assert f'total = {long_sum}\n' in text and 'max_epochs=10**10**10' in text
    assert 'optim_wrapper' in text


def test_a_policy_missing_its_argument_is_kept_and_flagged_with_exit_3(tmp_path):
    path = tmp_path / 'cfg.py'
    path.write_bytes(LEGACY + b"lr_config = dict(policy='exp')\n")
    result = config(path)
    assert result.returncode == 3, result.stderr
    stderr = result.stderr.decode()
    assert "error [schedule-missing-argument] lr_config: policy 'exp' needs 'gamma'" in stderr
    text = path.read_text()
    assert "lr_config = dict(policy='exp')" in text and 'TODO(mmmigrate)' in text
