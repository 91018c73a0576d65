"""One identity of a resource: one title key, one URL key, one notion of "the same entry".

``add`` refuses a duplicate, ``duplicate-title``/``duplicate-url`` report one, and ``history``
follows an entry from one commit to the next; all four ask the same question, so they use
these keys and nothing else (there were five keys that disagreed: ``add`` accepted a title
that ``lint`` flagged on the next run).

A title repeated under another heading is the same resource only when its URL is too:
"Problem Set 1" of three courses is three entries, "Lecture 1" in every course is not a
duplicate. Within one heading the title alone decides (``duplicate-title-scope = "file"``
makes the whole file one scope).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from ..urls import canonical_url

if TYPE_CHECKING:  # pragma: no cover
    from .model import Entry

Scope = Literal["section", "file"]

_NOT_WORD = r"[\W_]+"  # compiled on first use (re caches it): start-up matters for the hook
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"


def title_key(title: str) -> str:
    """A title with Unicode form, case, spacing, punctuation and emoji ignored.

    >>> title_key("  Attention  Is All\\tYou Need. ")
    'attention is all you need'
    """
    if not title.isascii():
        title = unicodedata.normalize("NFKC", re.sub(_INVISIBLE, "", title))
    return re.sub(_NOT_WORD, " ", title.casefold()).strip()


def url_key(url: str | None) -> str | None:
    """The resource a URL names (:func:`~studylog_md.urls.canonical_url`); None for none.

    A link to a section of this file (``#setup``) is navigation, not a resource.
    """
    if not url:
        return None
    text = url.strip()
    if not text or text.startswith("#"):
        return None
    return canonical_url(text) or None


def resource_url(entry: Entry) -> str | None:
    """The entry's first link that is not an image.

    A priority badge (``![High][high_img]`` on every item of thedaviddias/Front-End-Checklist)
    is not the resource.
    """
    for link in entry.links:
        if not link.image:
            return link.url
    return None


def scope_key(entry: Entry, scope: Scope) -> tuple[str, ...]:
    """Where a title must be unique: the entry's heading path, or the whole file.

    A nested task is a part of its parent ("(0:00:00) Intro" of one video course and of
    another, in Psyhackological/freeCodeCamp): the parent's title is part of the scope.
    """
    where: tuple[str, ...] = entry.section if scope == "section" else ()
    if entry.kind == "task" and entry.category:
        where = (*where, "\x00" + title_key(entry.category))
    return where


def find_duplicate(
    entries: Iterable[Entry],
    title: str,
    url: str | None,
    section: tuple[str, ...],
    *,
    scope: Scope = "section",
) -> Entry | None:
    """The entry that already lists this resource, for an entry about to be added.

    The same URL anywhere is the same resource; the same title is, within the scope.
    """
    key = title_key(title)
    resource = url_key(url)
    where = section if scope == "section" else ()
    for entry in entries:
        if resource is not None and url_key(resource_url(entry)) == resource:
            return entry
        if key and title_key(entry.title) == key and scope_key(entry, scope) == where:
            return entry
    return None
