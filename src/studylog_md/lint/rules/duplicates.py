"""Rules about the same resource listed twice in one file: by title, by URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...document.model import Entry
from ...document.query import resource_url, url_key
from ...urls import canonical_url
from ..base import LintContext, rule
from ..diagnostic import Diagnostic, Severity

_NOT_WORD = re.compile(r"[\W_]+")


def title_key(title: str) -> str:
    """A title with case, spacing, punctuation and emphasis ignored (``Entry.title`` is plain)."""
    return _NOT_WORD.sub(" ", title.casefold()).strip()


@rule(
    "SL009",
    "duplicate-title",
    Severity.WARNING,
    "The same resource title twice in one file.",
    needs="entries",
)
def duplicate_title(ctx: LintContext) -> Iterator[Diagnostic]:
    first: dict[tuple[str, str], Entry] = {}
    for entry in ctx.doc.entries:
        key = title_key(entry.title)
        if not key:
            continue
        # A nested task is a part of its parent ("(0:00:00) Intro" of one video course and of
        # another, in Psyhackological/freeCodeCamp): the parent is part of its identity.
        parent = title_key(entry.category or "") if entry.kind == "task" else ""
        seen = first.setdefault((parent, key), entry)
        if seen is entry:
            continue
        yield ctx.report(
            "duplicate-title",
            entry.line,
            entry.column,
            f"{entry.title!r} is already listed on line {seen.line}; remove one of them or "
            "make the titles say how they differ",
        )


def _allowed(url: str, canonical: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatchcase(url, p) or fnmatchcase(canonical, p) for p in patterns)


@rule(
    "SL010",
    "duplicate-url",
    Severity.WARNING,
    "The same resource (equal or equivalent URLs) twice in one file.",
    needs="entries",
)
def duplicate_url(ctx: LintContext) -> Iterator[Diagnostic]:
    allow = ctx.options.duplicate_url_allow
    first: dict[str, Entry] = {}
    for entry in ctx.doc.entries:
        url = resource_url(entry)
        if not url or url.startswith("#"):
            continue  # a link to a section of this file is navigation, not a resource
        seen = first.setdefault(url_key(url), entry)
        if seen is entry:
            continue
        if allow and _allowed(url, canonical_url(url), allow):
            continue
        seen_url = resource_url(seen)
        same = "the same URL" if url == seen_url else f"an equivalent URL ({seen_url})"
        yield ctx.report(
            "duplicate-url",
            entry.line,
            entry.column,
            f"line {seen.line} already lists {same}; remove one of them "
            "(or allow the URL with duplicate-url-allow)",
        )
