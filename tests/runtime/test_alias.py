"""The `mmengine` import name served by the bundled engine."""
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent('''
    import sys
    from mmmigrate.engine.alias import install_mmengine_alias
    print(install_mmengine_alias(prefer_bundled={prefer}))
    from mmengine.runner import Runner
    from mmengine.model import BaseModel
    import mmmigrate.engine.runner as bundled
    print(Runner is bundled.Runner, sys.modules['mmengine.model'] is sys.modules['mmmigrate.engine.model'])
    try:
        import mmengine.no_such_module
    except ModuleNotFoundError as e:
        print('missing:', e.name)
''')


def run(code: str, python: str = sys.executable) -> list:
    out = subprocess.run([python, '-c', code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.split('\n')


def test_mmengine_name_gives_the_same_module_objects():
    assert run(SCRIPT.format(prefer=None))[:3] == ['True', 'True True',
                                                   'missing: mmengine.no_such_module']


def test_an_installed_mmengine_is_never_shadowed(mmengine_python, tmp_path):
    code = ('import sys; sys.path.insert(0, %r)\n' % str(__import__('pathlib').Path(
        __file__).resolve().parents[2]) +
            'from mmmigrate.engine.alias import install_mmengine_alias\n'
            'print(install_mmengine_alias())\n'
            'import mmengine; print(mmengine.__name__, "site-packages" in mmengine.__file__)')
    assert run(code, str(mmengine_python))[:2] == ['False', 'mmengine True']


def test_run_command_serves_mmengine_to_a_script(tmp_path):
    script = tmp_path / 'uses_mmengine.py'
    script.write_text('import sys, mmengine\nprint(mmengine.__name__, sys.argv[1:])\n')
    out = subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'run', str(script), '--x', '1'],
                         capture_output=True, text=True)
    assert out.stdout.strip() == "mmmigrate.engine ['--x', '1']", out.stderr
