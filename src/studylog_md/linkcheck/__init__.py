"""Online link checking: is each http(s) link of a study log still alive?

The engine only; the CLI (``studylog-md check-links``, ``lint --online``) turns the results
into findings. Links are untrusted input, so only public addresses are contacted (see
``addresses.py``) and at most a small prefix of any body is read. User docs:
docs/link-checking.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
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

# Imported on first use: the configuration reads its ``links`` table with ``settings.py``
# and ``numbers.py`` on every run, and the checker (asyncio, ssl, sqlite3: ~70 ms) is only
# needed online.
_LAZY = {
    "check_links": "checker",
    "DEFAULT_USER_AGENT": "options",
    "VERDICTS": "options",
    "LinkCheckConfigError": "options",
    "LinkCheckOptions": "options",
    "LinkResult": "options",
    "Verdict": "options",
    "redact": "targets",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
