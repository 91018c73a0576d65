"""Finding the one entry a user's query names.

Ranks, best first: exact title, title prefix, word-boundary substring, substring — all
case-insensitive, with whitespace and Markdown emphasis ignored. The best rank that has any hit
decides: one hit wins; several are ambiguous (a query never silently picks one of two entries
that match it equally well).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..errors import AmbiguousQuery, NotFound
from .model import Entry

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


def find_entry(entries: Sequence[Entry], query: str, *, section: str | None = None) -> Entry:
    """The one entry ``query`` names; raises :class:`NotFound` or :class:`AmbiguousQuery`."""
    if not normalize(query):
        raise NotFound(query, [], message="the query is empty; give a few words of a title")
    pool = [e for e in entries if section is None or in_section(e, section)]
    hits = rank_matches(pool, query)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousQuery(query, hits)
    titles = {normalize(e.title): e.title for e in pool if e.title}
    raise NotFound(query, [titles[key] for key in suggest(normalize(query), list(titles))])


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
