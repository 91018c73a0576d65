"""The linter: rules (``rules_*.py``) registered by name (``registry.py``), run by
``engine.py``; URL and anchor helpers (``urls.py``, ``anchors.py``); reporters (``report.py``).

Import :mod:`studylog_md.lint.engine` for :func:`~studylog_md.lint.engine.lint_document` and
:func:`~studylog_md.lint.engine.apply_fixes`; this package itself imports nothing, so that the
command line stays fast to start.
"""
