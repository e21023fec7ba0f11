"""What a training run of a legacy library left in its work dir, as JSON on
stdout (run on the stack that trained): ``python collect_run.py LIBRARY
CONFIG WORK_DIR``.

- ``training``: every iteration's exact loss, log_vars and lr (the
  project's ``RecordTraining`` hook);
- ``log``: the records of ``<timestamp>.log.json`` (MMCV's TextLoggerHook)
  without the timings, the first one (``runner.meta``) without ``env_info``;
- ``params``: SHA-256 of every tensor of the last checkpoint's state_dict;
- ``meta``: that checkpoint's meta without ``env_info`` and ``time``;
- ``files``: what MMCV writes in a work dir (checkpoints, ``latest.pth``,
  logs, the dumped config), timestamps replaced by ``<timestamp>``;
- ``inference``: the library's ``init_model`` + ``inference_model`` on the
  checkpoint and one sample.
The work dir's path reads ``<work_dir>`` everywhere, a library version's git
suffix ``+<git>``.
"""
import hashlib
import json
import re
import sys
import warnings
from pathlib import Path

TIMINGS = ('time', 'data_time', 'memory')


def _normal(value, work_dir: str):
    """The work dir's path as ``<work_dir>``; a library version's git suffix
    (mmseg writes ``0.30.0+<hash of the repository around the work dir>``,
    mmdet ``2.28.2<hash>``) as ``+<git>``."""
    text = json.dumps(value, default=repr).replace(work_dir, '<work_dir>')
    text = re.sub(r'(_version": "[^"]*?)\+?(?:[0-9a-f]{7}|unknown)"', r'\1+<git>"', text)
    return json.loads(text)


def collect(library: str, config: str, work_dir: str) -> dict:
    import torch
    warnings.simplefilter('ignore')
    folder = Path(work_dir)
    logs = sorted(folder.glob('*.log.json'))
    log = [json.loads(line) for line in logs[-1].read_text().splitlines()]
    if log and 'mode' not in log[0]:
        log[0].pop('env_info', None)
    log = [{k: v for k, v in record.items() if k not in TIMINGS} for record in log]
    checkpoint = torch.load(folder / 'latest.pth', map_location='cpu', weights_only=False)
    meta = {k: v for k, v in checkpoint['meta'].items() if k not in ('env_info', 'time')}
    params = {name: hashlib.sha256(tensor.numpy().tobytes()).hexdigest() + f' {tensor.dtype} '
              f'{list(tensor.shape)}' for name, tensor in checkpoint['state_dict'].items()}
    mmcv_files = [p.name for p in folder.iterdir() if p.suffix in ('.pth', '.json', '.log', '.py')
                  and not p.name.endswith('.rng-rank0')]
    files = sorted(re.sub(r'^\d{8}_\d{6}', '<timestamp>', name) for name in mmcv_files)
    rows = [json.loads(line) for line in (folder / 'training.jsonl').read_text().splitlines()]
    return _normal(dict(training=rows, log=log, params=params, meta=meta, files=files,
                        inference=infer(library, config, str(folder / 'latest.pth'))),
                   str(folder.resolve()))


def infer(library: str, config: str, checkpoint: str) -> dict:
    """The library's own inference API on the trained checkpoint."""
    if library == 'mmcls':
        from mmcls.apis import inference_model, init_model
        from synthetic_cls import TinySyntheticClassification
        model = init_model(config, checkpoint, device='cpu')
        image = TinySyntheticClassification(num_samples=1, seed=7, pipeline=[]).data_infos[0]
        result = inference_model(model, image['img'])
        return dict(classes=list(model.CLASSES), pred_class=result['pred_class'],
                    pred_label=int(result['pred_label']), pred_score=float(result['pred_score']))
    if library == 'mmdet':
        from mmdet.apis import inference_detector, init_detector
        from synthetic_det import synthetic_sample
        model = init_detector(config, checkpoint, device='cpu')
        result = inference_detector(model, synthetic_sample(seed=7)[0])
        return dict(classes=list(model.CLASSES),
                    detections=[hashlib.sha256(boxes.tobytes()).hexdigest() for boxes in result])
    from mmseg.apis import inference_segmentor, init_segmentor
    from synthetic_seg import synthetic_image
    model = init_segmentor(config, checkpoint, device='cpu')
    result = inference_segmentor(model, synthetic_image(seed=7)[0])
    return dict(classes=list(model.CLASSES), palette=[list(c) for c in model.PALETTE],
                prediction=hashlib.sha256(result[0].tobytes()).hexdigest())


if __name__ == '__main__':
    library, config, work_dir = sys.argv[1:4]
    if '--shim' in sys.argv[4:]:
        from mmmigrate.compat.mmcv_shim import install_mmcv_shim
        install_mmcv_shim()
    if '--ops-stand-in' in sys.argv[4:]:
        sys.path.insert(0, str(Path(__file__).parent))
        from run_tool import install_ops_stand_in
        install_ops_stand_in()
    print(json.dumps(collect(library, config, work_dir)))
