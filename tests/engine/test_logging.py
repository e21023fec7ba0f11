"""MessageHub, HistoryBuffer, MMLogger and print_log."""
import logging
import uuid

import numpy as np
import pytest
import torch

from mmmigrate.engine.logging import (HistoryBuffer, MessageHub, MMLogger,
                                      print_log)


def test_history_buffer_statistics():
    buffer = HistoryBuffer()
    for value in (1.0, 2.0, 6.0):
        buffer.update(value)
    assert buffer.mean() == 3.0 and buffer.mean(2) == 4.0
    assert buffer.max() == 6.0 and buffer.min(2) == 2.0 and buffer.current() == 6.0
    assert buffer.statistics('mean', 1) == 6.0
    with pytest.raises(KeyError, match='registered statistics'):
        buffer.statistics('median')
    with pytest.raises(TypeError):
        buffer.update('1')
    with pytest.raises(ValueError, match='empty'):
        HistoryBuffer().current()


def test_history_buffer_respects_max_length():
    buffer = HistoryBuffer(max_length=2)
    for value in range(5):
        buffer.update(value)
    values, counts = buffer.data
    assert values.tolist() == [3, 4] and counts.tolist() == [1, 1]
    # A 2-D history is read flat, as MMEngine's numpy append reads it.
    flat = HistoryBuffer(np.array([[-1, 1, 1]]), np.array([[1, 1, 1]]), max_length=3)
    flat.update(5)
    assert flat.data[0].tolist() == [1, 1, 5]
    with pytest.raises(AssertionError, match='same length'):
        HistoryBuffer([1, 2], [1])


def test_message_hub_scalars_info_and_state():
    hub = MessageHub.get_instance(f'hub-{uuid.uuid4().hex}')
    assert MessageHub.get_current_instance() is hub
    hub.update_scalar('train/loss', torch.tensor(2.0))
    hub.update_scalars({'train/acc': 0.5, 'train/lr': dict(value=0.1, count=2)})
    hub.update_info('epoch', 3)
    hub.update_info('scratch', object(), resumed=False)
    assert hub.get_scalar('train/loss').current() == 2.0
    assert [v.tolist() for v in hub.get_scalar('train/lr').data] == [[0.1], [2]]
    with pytest.raises(KeyError, match='has not been logged'):
        hub.get_scalar('val/acc')
    state = hub.state_dict()
    assert 'scratch' not in state['runtime_info'] and state['runtime_info']['epoch'] == 3
    other = MessageHub(f'hub-{uuid.uuid4().hex}')
    other.load_state_dict(state)
    assert other.get_info('epoch') == 3 and other.get_scalar('train/acc').current() == 0.5
    with pytest.raises(AssertionError, match='cannot change it'):
        hub.update_info('epoch', 4, resumed=False)


def test_message_hub_takes_numbers_and_one_element_tensors_only():
    hub = MessageHub(f'hub-{uuid.uuid4().hex}')
    hub.update_scalar('a', torch.tensor([[1.5]]))
    hub.update_scalar('a', 2)
    assert [v.tolist() for v in hub.get_scalar('a').data] == [[1.5, 2], [1, 1]]
    for bad in (torch.ones(2), torch.ones(0), 'text', None):
        with pytest.raises(AssertionError, match='one-element tensor'):
            hub.update_scalar('a', bad)
    np = pytest.importorskip('numpy')
    hub.update_scalar('b', np.float32(0.5))
    hub.update_scalar('b', np.ones((1, 1)))
    assert [v.tolist() for v in hub.get_scalar('b').data] == [[0.5, 1.0], [1, 1]]
    with pytest.raises(AssertionError, match='one-element tensor'):
        hub.update_scalar('b', np.ones(3))


def test_logger_writes_file_and_print_log_routes(tmp_path, capsys):
    name = f'log-{uuid.uuid4().hex}'
    logger = MMLogger.get_instance(name, log_file=str(tmp_path / 'run.log'), log_level='INFO')
    assert MMLogger.get_current_instance() is logger
    print_log('to the current logger', logger='current')
    print_log('by name', logger=name, level=logging.WARNING)
    print_log('printed', logger=None)
    print_log('dropped', logger='silent')
    for handler in logger.handlers:
        handler.flush()
    text = (tmp_path / 'run.log').read_text()
    assert 'to the current logger' in text and 'WARNING - by name' in text
    assert 'dropped' not in text and 'printed' in capsys.readouterr().out
    with pytest.raises(ValueError, match='has not been created'):
        print_log('x', logger='never-created-logger')
    with pytest.raises(TypeError):
        print_log('x', logger=3)


@pytest.mark.parametrize('color', [False, True])
def test_formatter_lines_are_those_of_the_standard_formatter(color):
    """MMFormatter builds INFO lines directly; they must equal what
    logging.Formatter makes of MMEngine's format string, and errors keep
    their source location."""
    from mmmigrate.engine.logging.logger import MMFormatter
    ours = MMFormatter(color=color, datefmt='%m/%d %H:%M:%S')
    record = logging.LogRecord('mmengine', logging.INFO, '/x/train.py', 7,
                               'Epoch(train) [1][%d/10]  loss: 0.5', (3, ), None)
    level = '\033[4m\033[37mINFO\033[0m' if color else 'INFO'
    reference = logging.Formatter(f'%(asctime)s - %(name)s - {level} - %(message)s',
                                  datefmt='%m/%d %H:%M:%S')
    for created in (1700000000.25, 1700000000.75, 1700000001.0):
        record.created = created
        assert ours.format(record) == reference.format(record)
    error = logging.LogRecord('mmengine', logging.ERROR, '/x/train.py', 7, 'boom', (), None)
    assert ' - /x/train.py - ' in ours.format(error) and ' - 7 - boom' in ours.format(error)
    try:
        raise ValueError('bad value')
    except ValueError:
        import sys
        warning = logging.LogRecord('mmengine', logging.WARNING, 'f.py', 1, 'w', (),
                                    sys.exc_info())
    assert ours.format(warning).endswith("raise ValueError('bad value')\nValueError: bad value")


def test_plain_info_lines_are_what_logging_writes(tmp_path, monkeypatch):
    """INFO lines reaching only the logger's own handlers are written
    directly; console and file get exactly what logging's general route
    (a LogRecord through the handlers' formatters) writes."""
    import io
    import sys
    import time

    class Terminal(io.StringIO):
        def isatty(self):  # the console formatter then colours the level
            return True

    console = Terminal()
    monkeypatch.setattr(sys, 'stdout', console)
    logger = MMLogger.get_instance(f'log-{uuid.uuid4().hex}', log_file=str(tmp_path / 'a.log'),
                                   log_level='INFO')
    monkeypatch.setattr(time, 'time', lambda: 1700000000.5)
    messages = ['Epoch(train) [1][10/20]  lr: 1.0000e-03  loss: 0.5', 'Exp name: x', 42]
    for message in messages:
        logger.info(message)
    logger.debug('below the level: dropped')
    direct_console, direct_file = console.getvalue(), (tmp_path / 'a.log').read_text()

    expected_console, expected_file = [], []
    for message in messages:
        record = logging.LogRecord(logger.name, logging.INFO, __file__, 1, message, (), None)
        record.created = 1700000000.5
        expected_console.append(logger.handlers[0].format(record))
        expected_file.append(logger.handlers[1].format(record))
    assert direct_console.splitlines() == expected_console
    assert direct_file.splitlines() == expected_file
    assert 'dropped' not in direct_console + direct_file
    assert '\033[' in direct_console and '\033[' not in direct_file


def test_added_handlers_filters_and_formatters_take_the_general_route(tmp_path, monkeypatch):
    import io
    import sys
    monkeypatch.setattr(sys, 'stdout', io.StringIO())
    logger = MMLogger.get_instance(f'log-{uuid.uuid4().hex}', log_file=str(tmp_path / 'b.log'))
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append((record.getMessage(), record.filename, record.funcName))

    extra = Keep()
    logger.addHandler(extra)
    logger.info('to every handler')
    logger.removeHandler(extra)
    assert seen == [('to every handler', 'test_logging.py',
                     'test_added_handlers_filters_and_formatters_take_the_general_route')]
    assert 'to every handler' in (tmp_path / 'b.log').read_text()

    logger.handlers[1].setFormatter(logging.Formatter('custom %(levelname)s %(message)s'))
    logger.info('formatted by the replacement')
    logger.handlers[0].addFilter(lambda record: False)
    logger.info('hidden from the console')
    for handler in logger.handlers:
        handler.flush()
    lines = (tmp_path / 'b.log').read_text().splitlines()
    assert lines[-2:] == ['custom INFO formatted by the replacement',
                          'custom INFO hidden from the console']
    assert 'hidden from the console' not in sys.stdout.getvalue()
    assert 'formatted by the replacement' in sys.stdout.getvalue()


def test_errors_name_the_caller(tmp_path, monkeypatch):
    import io
    import sys
    monkeypatch.setattr(sys, 'stdout', io.StringIO())
    logger = MMLogger.get_instance(f'log-{uuid.uuid4().hex}', log_file=str(tmp_path / 'c.log'))
    logger.error('went wrong')
    print_log('also wrong', logger=logger, level=logging.ERROR)
    lines = (tmp_path / 'c.log').read_text().splitlines()
    assert f' - {__file__} - test_errors_name_the_caller - ' in lines[0]
    assert ' - print_log - ' in lines[1]  # as logging reports it: print_log called log()


def test_local_vis_backend_lines_are_on_disk_at_once(tmp_path):
    """Each add_scalars call leaves one JSON line, as MMEngine's json.dump
    writes it, in scalars.json and in ``file_path``, readable before the
    backend is closed; closing and writing again appends."""
    import json
    import os

    from mmmigrate.engine.visualization import LocalVisBackend
    backend = LocalVisBackend(str(tmp_path / 'vis'))
    backend.add_scalars({'loss': torch.tensor(0.25), 'lr': 1e-3, 'épsilon': float('nan')},
                        step=3, file_path='run.json')
    backend.add_scalar('acc', 0.5, step=4)
    expected = json.dumps({'loss': 0.25, 'lr': 1e-3, 'épsilon': float('nan'), 'step': 3})
    run_file, scalars_file = tmp_path / 'vis' / 'run.json', tmp_path / 'vis' / 'scalars.json'
    assert run_file.read_bytes() == (expected + os.linesep).encode('ascii')
    assert scalars_file.read_bytes() == (expected + os.linesep + json.dumps(
        {'acc': 0.5, 'step': 4}) + os.linesep).encode('ascii')
    backend.close()
    backend.add_scalars({'loss': 1.0}, step=5, file_path='run.json')
    assert run_file.read_text().splitlines()[-1] == '{"loss": 1.0, "step": 5}'
    with pytest.raises(AssertionError, match='must end with .json'):
        backend.add_scalars({'loss': 1.0}, file_path='run.txt')
    with pytest.raises(AssertionError, match='must differ from'):
        backend.add_scalars({'loss': 1.0}, file_path='scalars.json')
    backend.close()


def test_json_lines_are_what_json_dumps_writes():
    """The scalar files' lines are built directly for flat float/int
    records; they must be json.dumps' text to the byte, and other records
    go to json.dumps itself."""
    import json
    import os
    import random

    from mmmigrate.engine.visualization.vis_backend import _json_line
    records = [
        {'lr': 1e-3, 'loss': 0.1 + 0.2, 'step': 10},
        {'nan': float('nan'), 'inf': float('inf'), '-inf': -float('inf'), 'neg0': -0.0,
         'tiny': 5e-324, 'huge': 1.7976931348623157e308, 'big': 1e16, 'step': 0},
        {'épsilon/ü': 1.5, '"quoted"\\': 2, 'tab\t': 3, 'step': 3},
        {'flag': True, 'none': None, 'list': [1.0], 'step': 1},  # json.dumps' own route
        {1: 2.0, 'step': 1}, {'big_int': 10 ** 30, 'negative': -7, 'step': 2},
    ]
    rng = random.Random(0)
    for _ in range(2000):
        records.append({f'k{rng.randint(0, 9)}': rng.choice([
            rng.random() * 10 ** rng.randint(-30, 30), rng.randint(-10 ** 9, 10 ** 9),
            rng.uniform(-1, 1)]) for _ in range(4)})
    for record in records:
        assert _json_line(record) == (json.dumps(record) + os.linesep).encode('ascii'), record
