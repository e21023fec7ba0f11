"""``mmmigrate verify``: whether an MMEngine config trains as the MMCV 1.x
config it came from, field by field and iteration by iteration."""
