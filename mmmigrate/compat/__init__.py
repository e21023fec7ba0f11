"""Run-time adapters that run legacy MMCV 1.x code on ``mmmigrate.engine``."""
