"""Run a legacy library's own script (``tools/train.py``) unchanged, as a
user would: ``python run_tool.py [--shim] [--ops-stand-in] SCRIPT ARGS...``.

- ``--shim``: through the mmmigrate ``mmcv`` shim (the new stack), else on
  whatever MMCV is installed (the MMCV 1.7.2 oracle, for recordings);
- ``--ops-stand-in``: ``mmcv.ops`` is a stand-in whose names exist but fail
  when used: the libraries import compiled ops at import time, which neither
  MMCV 1.7.2 built without them nor mmcv-lite provides, and the tiny models
  of the tests never call them, but for NMS (mmdet's inference), which is
  plain torch here, the same on both sides;
- ``time.sleep`` is a no-op (MMCV's runners sleep 2 s per epoch).
"""
import runpy
import sys
import time
import types


class _StandInOps(types.ModuleType):
    """``mmcv.ops`` without compiled kernels: any name is a class that says so."""

    # what MMCV's collect_env asks, and takes a missing _ext for "n/a"
    BUILD_QUERIES = ('get_compiler_version', 'get_compiling_cuda_version')

    def __getattr__(self, name):
        if name.startswith('__'):
            raise AttributeError(name)
        if name in self.BUILD_QUERIES:
            raise ModuleNotFoundError("No module named 'mmcv._ext'", name='mmcv._ext')
        if name in IMPLEMENTED:
            return IMPLEMENTED[name]

        def unavailable(*args, **kwargs):
            raise RuntimeError(f'mmcv.ops.{name} needs compiled MMCV ops (a stand-in here)')
        value = type(name, (), {'__init__': unavailable, '__call__': unavailable})
        setattr(self, name, value)
        return value


def nms(boxes, scores, iou_threshold, offset=0, score_threshold=0, max_num=-1):
    """Greedy NMS in plain torch (the stand-in of the compiled kernel):
    ``(dets, keep)`` as MMCV's, highest score first."""
    import torch
    order = scores.argsort(descending=True)
    keep = []
    x1, y1, x2, y2 = boxes.unbind(-1)
    areas = (x2 - x1 + offset) * (y2 - y1 + offset)
    while order.numel():
        index = order[0]
        keep.append(index)
        rest = order[1:]
        width = (torch.min(x2[index], x2[rest]) - torch.max(x1[index], x1[rest]) +
                 offset).clamp(min=0)
        height = (torch.min(y2[index], y2[rest]) - torch.max(y1[index], y1[rest]) +
                  offset).clamp(min=0)
        overlap = width * height / (areas[index] + areas[rest] - width * height)
        order = rest[overlap <= iou_threshold]
    keep = torch.stack(keep) if keep else boxes.new_zeros(0, dtype=torch.long)
    return torch.cat([boxes[keep], scores[keep, None]], -1), keep


def batched_nms(boxes, scores, idxs, nms_cfg, class_agnostic=False):
    """MMCV's ``batched_nms`` on the stand-in ``nms``: boxes of different
    ``idxs`` are moved apart so that they never suppress each other."""
    import torch
    if nms_cfg is None:
        scores, order = scores.sort(descending=True)
        return torch.cat([boxes[order], scores[:, None]], -1), order
    cfg = dict(nms_cfg)
    class_agnostic = cfg.pop('class_agnostic', class_agnostic)
    cfg.pop('type', None)
    cfg.pop('split_thr', None)
    threshold = cfg.pop('iou_threshold', cfg.pop('iou_thr', 0.5))
    shifted = boxes if class_agnostic else \
        boxes + (idxs.to(boxes) * (boxes.max() + 1))[:, None]
    _, keep = nms(shifted, scores, threshold, **cfg)
    return torch.cat([boxes[keep], scores[keep, None]], -1), keep


IMPLEMENTED = {'nms': nms, 'batched_nms': batched_nms}


class _StandInOpsFinder:
    """``mmcv.ops.<any submodule>`` is a stand-in too (``mmcv.ops.roi_align``)."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        if not fullname.startswith('mmcv.ops.'):
            return None
        import importlib.machinery
        return importlib.machinery.ModuleSpec(fullname, _StandInLoader(), is_package=True)


class _StandInLoader:

    @staticmethod
    def create_module(spec):
        module = _StandInOps(spec.name)
        module.__path__ = []
        return module

    @staticmethod
    def exec_module(module):
        pass


def install_ops_stand_in() -> None:
    sys.meta_path.insert(0, _StandInOpsFinder())
    stand_in = _StandInOps('mmcv.ops')
    stand_in.__path__ = []
    sys.modules['mmcv.ops'] = stand_in


def main(argv) -> None:
    if argv and argv[0] == '--shim':
        argv = argv[1:]
        from mmmigrate.compat.mmcv_shim import install_mmcv_shim
        if not install_mmcv_shim():
            raise SystemExit('MMCV 1.x is installed: the shim stays out of the way')
    if argv and argv[0] == '--ops-stand-in':
        argv = argv[1:]
        install_ops_stand_in()
    time.sleep = lambda seconds: None
    script = argv[0]
    sys.argv = list(argv)
    runpy.run_path(script, run_name='__main__')


if __name__ == '__main__':
    main(sys.argv[1:])
