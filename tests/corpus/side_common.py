"""What both sides of the corpus judge share (each side runs in its own
oracle venv; this file imports neither library nor anything of the
project)."""
import json
import sys
import warnings
from pathlib import Path

import torch.nn as nn

warnings.filterwarnings('ignore')


class TinyModel(nn.Module):
    """Parameters named as detectors name theirs, so common paramwise keys
    (backbone, bias, norm) select something."""

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(1, 2, 1), nn.BatchNorm2d(2))
        self.head = nn.Linear(2, 1)

    def train_step(self, data, optimizer):  # MMCV's runners require one
        raise NotImplementedError('the judge never trains')


def model_for(names) -> nn.Module:
    """One TinyModel, or one per optimizer name (``generator``, ...) as the
    multi-optimizer models of mmedit/mmpose have sub-modules."""
    if not names:
        return TinyModel()
    model = TinyModel()
    for name in names:
        model.add_module(name, TinyModel())
    return model


def several_optimizers(cfg) -> bool:
    """``dict(generator=dict(type=...), ...)``: one optimizer per sub-module."""
    return isinstance(cfg, dict) and 'type' not in cfg and bool(cfg) and all(
        isinstance(v, dict) for v in cfg.values())


def plain(value):
    return json.loads(json.dumps(value, default=repr))


def record(values, it, param_groups) -> None:
    """lr and momentum (or betas[0]) of every param group at iteration ``it``."""
    for g, group in enumerate(param_groups):
        values[it, 0, g] = group['lr']
        values[it, 1, g] = group['betas'][0] if 'betas' in group else group.get('momentum',
                                                                                 0.0)


def main(side: str, load, training_fields, optimizer_of, schedule) -> None:
    """``python SIDE.py OUT_DIR ITERS_PER_EPOCH RESULT_JSON < paths``: for each
    config, its training fields and (when it has an optimizer and a length)
    the .npy file of its lr/momentum per iteration."""
    out_dir, iters_per_epoch, result_file = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    results = {}
    for n, path in enumerate(line.strip() for line in sys.stdin if line.strip()):
        try:
            cfg = load(path)
        except BaseException as e:  # noqa: BLE001 - the judge counts these
            results[path] = dict(load_error=f'{type(e).__name__}: {e}'[:300])
            continue
        entry = results[path] = {}
        try:
            entry['fields'] = fields = training_fields(cfg)
        except Exception as e:  # noqa: BLE001
            entry['fields_error'] = f'{type(e).__name__}: {e}'[:300]
            continue
        optimizer = optimizer_of(cfg)
        if fields['length'] is None or not isinstance(optimizer, dict) or not (
                'type' in optimizer or several_optimizers(optimizer)):
            continue
        out = out_dir / f'{side}-{Path(result_file).stem}-{n}.npy'
        try:
            entry['schedule'] = schedule(cfg, fields, out, iters_per_epoch)
        except Exception as e:  # noqa: BLE001
            entry['schedule_error'] = f'{type(e).__name__}: {e}'[:300]
    with open(result_file, 'w') as f:  # the libraries print to stdout
        json.dump(results, f)
