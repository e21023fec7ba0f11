"""The transforms of ``mmmigrate convert`` for MMCV 1.x Python sources:
libcst for those that rebuild statements (``models``, ``runner``), text
edits located by the stdlib parser for the rest (``hooks``, ``imports``,
``config_reads``; see ``text_edits``)."""
