"""Which of MMCV 1.7.2's public names (``rules/mmcv1_names.yaml``) the
``mmcv`` shim serves in this interpreter. Prints ``served/total`` and the
failures; ``--json FILE`` writes them.

    python tests/legacy/served_names.py [--json FILE]

Run it where MMCV 2.x (mmcv-lite) is installed to count what a legacy
library can import; without MMCV 2.x the names only MMCV 2.x provides fail
with the message saying what to install.
"""
import argparse
import importlib
import json
import sys
import warnings


def check_names() -> dict:
    from mmmigrate.compat.mmcv_shim import install_mmcv_shim
    from mmmigrate.rules.shim_table import legacy_names
    assert install_mmcv_shim(), 'MMCV 1.x is installed: the shim stays out of the way'
    warnings.simplefilter('ignore')
    failures = {}
    total = 0
    for module_name, names in legacy_names().items():
        for name in names:
            total += 1
            try:
                getattr(importlib.import_module(module_name), name)
            except Exception as error:  # what a user's `from ... import` would hit
                failures[f'{module_name}.{name}'] = f'{type(error).__name__}: {error}'
    return {'total': total, 'served': total - len(failures), 'failures': failures}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--json', help='write the result to this file')
    args = parser.parse_args(argv)
    result = check_names()
    for name, error in sorted(result['failures'].items()):
        print(f'{name}: {error}')
    print(f'served {result["served"]}/{result["total"]} MMCV 1.7.2 names')
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as out:
            json.dump(result, out, indent=1, sort_keys=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
