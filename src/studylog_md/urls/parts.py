"""Small URL facts shared by the other modules: host, query span, scheme, fragment."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    pass


# A log links to a few hosts many times over (8 distinct hosts among 100,000 URLs in the
# benchmark's log): each host is matched against each suffix list once. Bounded, so that a
# long-running process (the language server) keeps at most this many answers.
@lru_cache(maxsize=1024)
def _host_matches(host: str, suffixes: tuple[str, ...]) -> bool:
    return any(host == s or host.endswith("." + s) for s in suffixes)


def _hostname(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return ""


def _query_span(url: str) -> tuple[int, int] | None:
    """``(start, end)`` of the query (after ``?``, before ``#``); None when there is none."""
    question = url.find("?")
    hash_ = url.find("#")
    if question < 0 or 0 <= hash_ < question:
        return None
    return question + 1, (hash_ if hash_ >= 0 else len(url))


# --- small helpers -----------------------------------------------------------------------------


def is_http(url: str) -> bool:
    """Whether ``url`` is an absolute ``http://`` or ``https://`` URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def split_fragment(url: str) -> tuple[str, str | None]:
    """``(url without fragment, fragment)``; the fragment is None when there is no ``#``.

    >>> split_fragment("notes.md#intro")
    ('notes.md', 'intro')
    >>> split_fragment("notes.md")
    ('notes.md', None)
    """
    before, hash_, after = url.partition("#")
    return before, (after if hash_ else None)
