"""Load configs with a real library's ``Config.fromfile``; runs in an oracle
venv and imports nothing of the project.

    python load_configs.py mmcv|mmengine RESULT_JSON < paths

Writes {path: null (loaded) or "ErrorType: message"}.
"""
import json
import signal
import sys
import warnings

warnings.filterwarnings('ignore')


class _TookTooLong(Exception):
    pass


def _alarm(signum, frame):
    raise _TookTooLong('took over 20 s')


def main():
    library, result_file = sys.argv[1], sys.argv[2]
    if library == 'mmcv':
        from mmcv import Config
    else:
        from mmengine.config import Config
    signal.signal(signal.SIGALRM, _alarm)
    results = {}
    for path in (line.strip() for line in sys.stdin if line.strip()):
        signal.alarm(20)
        try:
            Config.fromfile(path, import_custom_modules=False)
            results[path] = None
        except BaseException as e:  # noqa: BLE001 - every failure is an answer here
            results[path] = f'{type(e).__name__}: {e}'[:300]
        finally:
            signal.alarm(0)
    with open(result_file, 'w') as f:  # the libraries print to stdout
        json.dump(results, f)


if __name__ == '__main__':
    main()
