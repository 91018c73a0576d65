"""Online link checking: is each http(s) link of a study log still alive?

The engine only; the CLI (``studylog-md check-links``, ``lint --online``) turns the results
into findings. Links are untrusted input, so only public addresses are contacted (see
``addresses.py``) and at most a small prefix of any body is read. User docs:
docs/link-checking.md.
"""

from __future__ import annotations

from .checker import check_links
from .options import (
    DEFAULT_USER_AGENT,
    VERDICTS,
    LinkCheckConfigError,
    LinkCheckOptions,
    LinkResult,
    Verdict,
)
from .targets import redact

__all__ = [
    "DEFAULT_USER_AGENT",
    "VERDICTS",
    "LinkCheckConfigError",
    "LinkCheckOptions",
    "LinkResult",
    "Verdict",
    "check_links",
    "redact",
]
