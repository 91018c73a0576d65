"""Rules that need every file of a run: the same resource listed in two logs.

A check of one document cannot see the others, so this rule has no per-document check: each
file contributes its :class:`Listing` records (small and picklable, so files linted in worker
processes can send them back), and :func:`duplicates_across_files` compares them once every
file has been read. It is opt-in: it runs only when ``select`` or ``extend-select`` names
it, because a curriculum that lists one textbook in several courses does so on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from .base import SPECS, declare, rule_name
from .diagnostic import Diagnostic, Severity
from .rules.duplicates import title_key

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document
    from .options import LintOptions

RULE = "duplicate-across-files"

declare(
    "SL022",
    RULE,
    Severity.WARNING,
    "The same resource (equivalent URLs, or the same title without a URL) in two files of one "
    "run; opt-in (extend-select it).",
)


class Listing(NamedTuple):
    """One entry of one file, reduced to what the comparison needs."""

    path: str
    line: int
    column: int
    title: str
    key: str  # "url:" + the URL key, or "title:" + the title key when the entry has no URL


def selected(options: LintOptions) -> bool:
    """Whether ``options`` ask for this rule (it is never on by default)."""
    # Names or codes; rule_name is the one resolver (the engine's would import this module's
    # importer, the registry).
    chosen = {rule_name(key) for key in (*(options.select or ()), *options.extend_select)}
    if RULE not in chosen:
        return False
    return RULE not in {rule_name(key) for key in options.ignore}


def listings(doc: Document, path: str) -> list[Listing]:
    """The entries of ``doc`` that can be compared across files (disable comments honoured)."""
    from ..document.query import resource_url, url_key
    from .suppress import Suppressions

    suppress = Suppressions.scan(doc, rule_name)
    if suppress.file_disabled(RULE):
        return []
    found: list[Listing] = []
    for entry in doc.entries:
        if suppress and suppress.disabled(RULE, entry.line):
            continue
        url = resource_url(entry)
        if url and not url.startswith("#"):
            key = "url:" + url_key(url)
        else:
            title = title_key(entry.title)
            if not title:
                continue
            key = "title:" + title
        found.append(Listing(path, entry.line, entry.column, entry.title, key))
    return found


def duplicates_across_files(per_file: Iterable[Sequence[Listing]]) -> list[Diagnostic]:
    """A finding at every entry whose resource an earlier file of the run already lists.

    Repeats inside one file are ``duplicate-title`` / ``duplicate-url``'s business, not this
    rule's: only the first listing of each key in each file takes part.
    """
    spec = SPECS[RULE]
    first: dict[str, Listing] = {}
    found: list[Diagnostic] = []
    for listings_of_file in per_file:
        seen_here: set[str] = set()
        for item in listings_of_file:
            if item.key in seen_here:
                continue
            seen_here.add(item.key)
            earlier = first.setdefault(item.key, item)
            if earlier is item or earlier.path == item.path:
                continue
            what = "the same URL" if item.key.startswith("url:") else "the same title"
            found.append(
                Diagnostic(
                    path=item.path,
                    line=item.line,
                    column=item.column,
                    code=spec.code,
                    rule=spec.name,
                    severity=spec.severity,
                    message=f"{item.title!r}: {earlier.path}:{earlier.line} already lists "
                    f"{what}; keep one of them, or link to the other file",
                )
            )
    return found
