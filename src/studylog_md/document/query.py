"""Finding the one entry a user's query names.

Ranks, best first: exact title, title prefix, word-boundary substring, substring — all
case-insensitive, with whitespace and Markdown emphasis ignored. The best rank that has any hit
decides: one hit wins; several are ambiguous (a query never silently picks one of two entries
that match it equally well).

A query that is an http(s) URL matches by the resource's URL key instead (``?utm_…``, ``www.``,
a trailing slash and the like do not matter), and a line number picks the entry on that line:
the one way to reach the second of two entries with the same title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..errors import AmbiguousQuery, NotFound
from . import identity
from .identity import resource_url
from .model import Entry

__all__ = [
    "entry_at_line",
    "find_entry",
    "in_section",
    "looks_like_url",
    "normalize",
    "rank_matches",
    "resource_url",
    "url_key",
    "url_matches",
]

_NOISE = re.compile(r"[*_`~]+")
_WS = re.compile(r"\s+")
# Characters nobody can type in a query: soft hyphen, zero-width space/joiners, direction
# marks and embeddings/isolates, word joiner, BOM. lint flags them; a query ignores them.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def normalize(text: str) -> str:
    """Case-folded, NFC, invisible characters and emphasis markers removed, spaces collapsed.

    NFC, so that a title typed on one system (NFC) finds one written on another (macOS file
    names and some editors produce NFD: "e" + U+0301 instead of "é").
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    if "*" in text or "_" in text or "`" in text or "~" in text:
        text = _NOISE.sub("", text)
    # str.split() splits on exactly what \s matches (str.isspace): the same as
    # _WS.sub(" ", text).strip(), at a third of the cost (a find normalizes every title).
    return " ".join(text.split()).casefold()


def in_section(entry: Entry, section: str) -> bool:
    """Whether any heading above the entry contains ``section`` (case-insensitive)."""
    wanted = normalize(section)
    return any(wanted in normalize(heading) for heading in entry.section)


def url_key(url: str) -> str:
    """The key under which two spellings of one resource's URL compare equal.

    The one URL key of :mod:`studylog_md.document.identity` (shared with ``add``, the
    duplicate rules and ``history``); a link into this file keeps its own text as the key.
    """
    return identity.url_key(url) or url.strip()


def looks_like_url(query: str) -> bool:
    """Whether a query is an http(s) URL (matched by URL key, not as title words)."""
    return query.strip().lower().startswith(("http://", "https://"))


def url_matches(entries: Sequence[Entry], query: str) -> list[Entry]:
    """The entries whose resource URL has the same key as the URL ``query``."""
    wanted = url_key(query.strip())
    hits: list[Entry] = []
    for entry in entries:
        url = resource_url(entry)
        if url and url_key(url) == wanted:
            hits.append(entry)
    return hits


def entry_at_line(entries: Sequence[Entry], line: int) -> Entry:
    """The entry on 1-based ``line``; raises :class:`NotFound` naming the nearest entries."""
    for entry in entries:
        if entry.line == line:
            return entry
    near = sorted(entries, key=lambda e: abs(e.line - line))[:3]
    hint = ""
    if near:
        hint = "; the nearest entries are on lines " + ", ".join(
            str(e.line) for e in sorted(near, key=lambda e: e.line)
        )
    raise NotFound(str(line), [], message=f"no entry on line {line}{hint}")


def rank_matches(entries: Sequence[Entry], query: str) -> list[Entry]:
    """The entries at the best rank that has any hit (possibly several)."""
    q = normalize(query)
    if not q:
        return []
    # Plain strings, not an (entry, title) pair per entry: a tuple per entry is a
    # collector-tracked object, and 100,000 of them set off the full collection that a freshly
    # loaded model is due, right inside the find.
    titles = [normalize(entry.title) for entry in entries]
    word = re.compile(r"(?<!\w)" + re.escape(q) + r"(?!\w)")
    tests = (
        lambda t: t == q,
        lambda t: t.startswith(q),
        lambda t: word.search(t) is not None,
        lambda t: q in t,
    )
    for test in tests:
        hits = [entries[i] for i, title in enumerate(titles) if test(title)]
        if hits:
            return hits
    return []


def find_entry(
    entries: Sequence[Entry],
    query: str | None,
    *,
    section: str | None = None,
    line: int | None = None,
) -> Entry:
    """The one entry ``query`` (or ``line``) names; raises :class:`NotFound` or
    :class:`AmbiguousQuery`.

    With ``line``, the entry on that line, which must also match ``query`` and ``section``
    when they are given.
    """
    pool = [e for e in entries if section is None or in_section(e, section)]
    if line is not None:
        entry = entry_at_line(entries, line)
        if entry not in pool or (query and entry not in _matches(pool, query)):
            raise NotFound(
                str(line), [], message=f"line {line} holds {entry.title!r}, which the query misses"
            )
        return entry
    if query is None or not normalize(query):
        raise NotFound(query or "", [], message="the query is empty; give a few words of a title")
    hits = _matches(pool, query)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousQuery(query, hits)
    titles = {normalize(e.title): e.title for e in pool if e.title}
    raise NotFound(query, [titles[key] for key in suggest(normalize(query), list(titles))])


def _matches(pool: Sequence[Entry], query: str) -> list[Entry]:
    if looks_like_url(query):
        return url_matches(pool, query)
    return rank_matches(pool, query)


def suggest(query: str, keys: list[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` keys that look like ``query`` (typos, a word of a long title)."""
    if not query:
        return []
    import difflib  # only when nothing matched: not worth a module import on every run

    scored: list[tuple[float, str]] = []
    matcher = difflib.SequenceMatcher(a=query)
    for key in keys:
        best = 0.0
        candidates = [key, key[: len(query) + 2], *key.split()]
        for candidate in candidates:
            matcher.set_seq2(candidate)
            if matcher.real_quick_ratio() < 0.6:
                continue
            best = max(best, matcher.ratio())
        if best >= 0.6:
            scored.append((best, key))
    scored.sort(key=lambda item: -item[0])
    return [key for _score, key in scored[:limit]]
