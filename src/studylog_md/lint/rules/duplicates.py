"""Rules about the same resource listed twice in one file: by title, by URL.

Both ask :mod:`studylog_md.document.identity` what "the same" means, as ``add`` and
``history`` do. An exact repeat (same title and same resource) is one finding,
``duplicate-url``'s; ``duplicate-title`` reports titles repeated with a different (or no) URL
within one heading (``duplicate-title-scope = "file"``: within the file).
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from ...document.identity import Scope, resource_url, scope_key, title_key, url_key
from ...document.model import Entry
from ..base import LintContext, rule
from ..diagnostic import Diagnostic, Severity

__all__ = ["duplicate_title", "duplicate_url", "title_key"]


def _scope(ctx: LintContext) -> Scope:
    return "file" if ctx.options.duplicate_title_scope == "file" else "section"


@rule(
    "SL009",
    "duplicate-title",
    Severity.WARNING,
    "The same resource title twice under one heading (or in the file, by configuration).",
    needs="entries",
)
def duplicate_title(ctx: LintContext) -> Iterator[Diagnostic]:
    scope = _scope(ctx)
    first: dict[tuple[tuple[str, ...], str], Entry] = {}
    for entry in ctx.doc.entries:
        key = title_key(entry.title)
        if not key:
            continue
        seen = first.setdefault((scope_key(entry, scope), key), entry)
        if seen is entry:
            continue
        resource = url_key(resource_url(entry))
        if resource is not None and resource == url_key(resource_url(seen)):
            continue  # an exact repeat: duplicate-url reports it, once
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
        key = url_key(url)
        if url is None or key is None:
            continue
        seen = first.setdefault(key, entry)
        if seen is entry:
            continue
        if allow and _allowed(url, key, allow):
            continue
        seen_url = resource_url(seen)
        if title_key(entry.title) and title_key(entry.title) == title_key(seen.title):
            same = "this resource (the same title and URL)"
        elif url == seen_url:
            same = "the same URL"
        else:
            same = f"an equivalent URL ({seen_url})"
        yield ctx.report(
            "duplicate-url",
            entry.line,
            entry.column,
            f"line {seen.line} already lists {same}; remove one of them "
            "(or allow the URL with duplicate-url-allow)",
        )
