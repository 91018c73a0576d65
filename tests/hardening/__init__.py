"""Hardening tests: bad input, hostile input and faults (issue 7).

Every test runs the real CLI in a child process (``python -m studylog_md``) so that exit codes,
tracebacks and signals are real; see ``_cli.py`` for the helpers and ``docs/hardening.md`` for
the matrix these tests pin down.
"""
