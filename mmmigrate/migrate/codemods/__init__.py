"""libcst transforms for MMCV 1.x Python sources (`mmmigrate convert`)."""
