"""Every warning of ``mmmigrate convert`` is also a TODO comment above its
statement, and the report gives the line of the file as the user has it,
whatever the transforms before moved."""
from mmmigrate.migrate.source_file import convert_source

SOURCE = '''from mmcv.runner import auto_fp16

SEP = 'a\u2028b'  # a line separator inside a string is not a line break
PAGE = 1\x0c  # nor is a form feed


class Head:

    @auto_fp16()
    def forward(self, cfg):
        return cfg.data
'''


def test_todo_lands_above_the_statement_and_the_report_keeps_the_users_line(tmp_path):
    path = tmp_path / 'head.py'
    path.write_text(SOURCE, encoding='utf-8', newline='')
    result = convert_source(path)
    lines = result.new_data.decode('utf-8').split('\n')
    legacy = next(f for f in result.findings if f.rule == 'script-legacy-config-key')
    # line 11 of the input, although the decorator above it is gone
    assert legacy.line == 11
    read = lines.index('        return cfg.data')
    assert lines[read - 3].strip().startswith('# TODO(mmmigrate): [script-legacy-config-key]')
    decorator = next(f for f in result.findings if f.rule == 'model-fp16-decorator')
    assert decorator.line == 9
    define = lines.index('    def forward(self, cfg):')
    assert '[model-fp16-decorator]' in '\n'.join(lines[define - 3:define])


def test_a_second_run_writes_no_second_todo(tmp_path):
    path = tmp_path / 'head.py'
    path.write_text(SOURCE, encoding='utf-8', newline='')
    path.write_bytes(convert_source(path).new_data)
    assert not convert_source(path).changed
