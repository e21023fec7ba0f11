"""`mmmigrate config` plans a tree over its whole ``_base_`` graph: what the
corpus judge and the fuzzer found on real trees (mmselfsup's runtime base,
``{{_base_.x}}`` reads, ``_delete_`` runners, half-converted reruns), each
reduced to a few lines. Outputs are loaded with the engine's Config, which
refuses a key defined by two bases as MMEngine does."""
import subprocess
import sys

from mmmigrate.engine.config import Config


def config(*args):
    return subprocess.run([sys.executable, '-m', 'mmmigrate.cli', 'config', *map(str, args)],
                          capture_output=True, text=True, timeout=60)


def write(root, files: dict):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def snapshot(root) -> dict:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob('*.py'))}


def convert_twice(root):
    first = config(root)
    after_first = snapshot(root)
    config(root)
    assert snapshot(root) == after_first, 'a second run changed the tree'
    return first


SPLIT_TREE = {
    '_base_/models/net.py': "model = dict(type='Classifier', head=dict(num_classes=1000))\n",
    '_base_/default_runtime.py': ("train_cfg = {}\ntest_cfg = {}\n"
                                  "log_config = dict(interval=50, hooks=[dict("
                                  "type='TextLoggerHook')])\n"
                                  "dist_params = dict(backend='nccl')\n"),
    '_base_/schedules/sgd.py': ("optimizer = dict(type='SGD', lr=0.1, momentum=0.9)\n"
                                "lr_config = dict(policy='step', step=[60, 80])\n"
                                "runner = dict(type='EpochBasedRunner', max_epochs=100)\n"),
    'leaf.py': ("_base_ = ['./_base_/models/net.py', './_base_/schedules/sgd.py', "
                "'./_base_/default_runtime.py']\n"
                "model = dict(head=dict(num_classes=10))\n"
                "runner = dict(type='EpochBasedRunner', max_epochs=350)\n"),
}


def test_model_settings_of_a_runtime_base_do_not_collide_with_the_model_base(tmp_path):
    write(tmp_path, SPLIT_TREE)
    result = convert_twice(tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'model' not in (tmp_path / '_base_/default_runtime.py').read_text()
    loaded = Config.fromfile(str(tmp_path / 'leaf.py'))
    assert loaded.model == dict(type='Classifier', head=dict(num_classes=10),
                                train_cfg={}, test_cfg={})
    assert loaded.train_cfg == dict(type='EpochBasedTrainLoop', max_epochs=350)


def test_a_key_a_child_reads_through_base_braces_stays_in_the_base(tmp_path):
    write(tmp_path, {
        'base.py': ("data = dict(samples_per_gpu=32, workers_per_gpu=2, "
                    "train=dict(type='D'))\n"
                    "optimizer = dict(type='SGD', lr=0.1)\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=2)\n"),
        'child.py': ("_base_ = './base.py'\n"
                     "custom_hooks = [dict(type='H',\n"
                     "    batch_size={{_base_.data.samples_per_gpu}})]\n"),
    })
    convert_twice(tmp_path)
    assert 'data = dict(' in (tmp_path / 'base.py').read_text()
    assert Config.fromfile(str(tmp_path / 'child.py')).custom_hooks[0]['batch_size'] == 32


def test_a_runner_that_deletes_its_base_runner_gives_a_loop_that_does_too(tmp_path):
    write(tmp_path, {
        'base.py': ("optimizer = dict(type='SGD', lr=0.1)\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"),
        'child.py': ("_base_ = './base.py'\n"
                     "runner = dict(_delete_=True, type='IterBasedRunner', max_iters=1000)\n"),
        'grandchild.py': "_base_ = './child.py'\noptimizer = dict(lr=0.2)\n",
    })
    convert_twice(tmp_path)
    for name in ('child.py', 'grandchild.py'):
        assert Config.fromfile(str(tmp_path / name)).train_cfg == dict(
            type='IterBasedTrainLoop', max_iters=1000)


def test_mmedit_total_iters_and_optimizers_become_a_loop_and_one_wrapper_each(tmp_path):
    write(tmp_path, {'cfg.py': (
        "model = dict(type='BasicVSR')\n"
        "optimizers = dict(generator=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99),\n"
        "    paramwise_cfg=dict(custom_keys={'spynet': dict(lr_mult=0.25)})))\n"
        "total_iters = 300000\n"
        "lr_config = dict(policy='CosineRestart', by_epoch=False, periods=[300000],\n"
        "    restart_weights=[1], min_lr=1e-7)\n")})
    convert_twice(tmp_path)
    loaded = Config.fromfile(str(tmp_path / 'cfg.py'))
    assert loaded.train_cfg == dict(type='IterBasedTrainLoop', max_iters=300000)
    assert loaded.optim_wrapper == dict(generator=dict(
        type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)),
        paramwise_cfg=dict(custom_keys=dict(spynet=dict(lr_mult=0.25)))))
    assert loaded.param_scheduler[0]['type'] == 'CosineRestartLR'
    assert 'optimizers' not in loaded and 'total_iters' not in loaded


def test_an_explicit_optimizer_none_is_kept_and_a_rerun_keeps_it(tmp_path):
    write(tmp_path, {
        'base.py': "optimizer = dict(type='SGD', lr=0.1)\n",
        'child.py': ("_base_ = './base.py'\noptimizer = None\n"
                     "optimizer_config = dict(grad_clip=dict(max_norm=5.0))\n"),
    })
    result = convert_twice(tmp_path)
    assert result.returncode == 3
    assert 'optimizer = None' in (tmp_path / 'child.py').read_text()
    assert '[optimizer-none]' in result.stderr


def test_a_top_level_del_and_a_chained_base_are_refused_with_a_message(tmp_path):
    write(tmp_path, {
        'a.py': "optimizer = dict(type='SGD', lr=0.1)\ndel optimizer\n",
        'b.py': "_base_ = x = ['./a.py']\n",
    })
    before = snapshot(tmp_path)
    result = config(tmp_path)
    assert result.returncode == 2
    assert 'a.py:2: `del optimizer` at top level' in result.stderr
    assert 'b.py:1: _base_ is assigned together with other names' in result.stderr
    assert 'Traceback' not in result.stderr
    assert snapshot(tmp_path) == before


def test_validation_interval_longer_than_training_never_validates_either(tmp_path):
    write(tmp_path, {'cfg.py': ("optimizer = dict(type='SGD', lr=0.1)\n"
                                "runner = dict(type='IterBasedRunner', max_iters=100)\n"
                                "evaluation = dict(interval=999999, metric='acc')\n")})
    convert_twice(tmp_path)
    loop = Config.fromfile(str(tmp_path / 'cfg.py')).train_cfg
    assert loop['val_begin'] == 999999 > loop['max_iters']


def test_yaml_and_json_bases_are_read_and_their_legacy_keys_converted_in_the_child(tmp_path):
    write(tmp_path, {'child.py': ("_base_ = ['./base.yaml', './rt.json']\n"
                                  "lr_config = dict(policy='step', step=[8, 11])\n")})
    (tmp_path / 'base.yaml').write_text('optimizer:\n  type: SGD\n  lr: 0.1\n'
                                        'runner:\n  type: EpochBasedRunner\n  max_epochs: 12\n')
    (tmp_path / 'rt.json').write_text('{"log_config": {"interval": 5, "hooks": '
                                      '[{"type": "TextLoggerHook"}]}}')
    result = convert_twice(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count('[base-not-python]') == 2
    assert (tmp_path / 'base.yaml').read_text().startswith('optimizer:')  # never rewritten
    loaded = Config.fromfile(str(tmp_path / 'child.py'))
    assert loaded.optim_wrapper == dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))
    assert loaded.train_cfg == dict(type='EpochBasedTrainLoop', max_epochs=12)
    assert loaded.default_hooks['logger'] == dict(type='LoggerHook', interval=5)


def test_a_yaml_base_that_is_not_a_mapping_is_one_message(tmp_path):
    write(tmp_path, {'child.py': "_base_ = './base.yaml'\nrunner = dict(max_epochs=1)\n"})
    (tmp_path / 'base.yaml').write_text('- just\n- a list\n')
    result = config(tmp_path)
    assert result.returncode == 2
    assert 'base.yaml: a YAML config must be a mapping of names to values' in result.stderr
    assert 'Traceback' not in result.stderr


def test_a_key_written_where_bases_meet_inlines_names_only_its_base_defines(tmp_path):
    write(tmp_path, {
        '_base_/ds.py': ("data_root = 'data/coco/'\ndomain = 'a'\n"
                         "data = dict(samples_per_gpu=2, workers_per_gpu=2, train=dict(\n"
                         "    type='CocoDataset', ann_file=data_root + 'train.json',\n"
                         "    name=f'cycle_{domain}'))\n"),
        '_base_/rt.py': "checkpoint_config = dict(interval=1)\n"
                        "train_dataloader = dict(persistent_workers=True)\n",
        'leaf.py': ("_base_ = ['./_base_/ds.py', './_base_/rt.py']\n"
                    "optimizer = dict(type='SGD', lr=0.02)\n"
                    "runner = dict(type='EpochBasedRunner', max_epochs=12)\n"),
    })
    convert_twice(tmp_path)
    text = (tmp_path / 'leaf.py').read_text()
    assert "ann_file='data/coco/train.json'" in text and "name='cycle_a'" in text
    dataset = Config.fromfile(str(tmp_path / 'leaf.py')).train_dataloader['dataset']
    assert dataset['ann_file'] == 'data/coco/train.json' and dataset['name'] == 'cycle_a'


def test_an_expression_stays_as_written_in_the_file_that_defines_its_names(tmp_path):
    write(tmp_path, {'cfg.py': ("data_root = 'data/coco/'\n"
                                "data = dict(samples_per_gpu=2, workers_per_gpu=2, train=dict(\n"
                                "    type='CocoDataset', ann_file=data_root + 'train.json'))\n")})
    convert_twice(tmp_path)
    assert "ann_file=data_root + 'train.json'" in (tmp_path / 'cfg.py').read_text()


def test_classic_mac_line_ends_are_kept_and_a_rerun_changes_nothing(tmp_path):
    (tmp_path / 'cfg.py').write_bytes(b"optimizer = dict(type='SGD', lr=0.1)\r"
                                      b"runner = dict(type='EpochBasedRunner', max_epochs=2)\r"
                                      b"lr_config = dict(policy='NoSuchPolicy')\r")
    result = convert_twice(tmp_path)  # the kept lr_config's TODO is written once
    assert result.returncode == 3, result.stderr
    data = (tmp_path / 'cfg.py').read_bytes()
    assert b'\n' not in data and b'optim_wrapper = ' in data
    assert Config.fromfile(str(tmp_path / 'cfg.py')).train_cfg['max_epochs'] == 2
