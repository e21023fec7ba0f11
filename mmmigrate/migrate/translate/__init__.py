"""Pure functions from legacy MMCV config values to MMEngine config values."""
