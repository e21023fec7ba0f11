"""MMCV 1.7.2 objects that MMCV 1.x code needs with MMCV's behaviour, on the
engine: what the ``mmcv`` shim serves where ``rules/mmcv_shim.yaml`` says so."""
