"""What a lint run is asked to do: which rules, and the few facts rules cannot guess."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime
    from pathlib import Path


class LintOptions(NamedTuple):
    """Options of :func:`studylog_md.lint.engine.lint_document`.

    ``select`` and ``ignore`` take rule names or codes (``"column-count"`` or ``"SL001"``);
    ``select=None`` means every rule that is on by default; ``extend_select`` adds rules to
    whatever ``select`` chose (the way to turn on an opt-in rule and keep the others).
    ``duplicate_url_allow`` holds glob patterns (:mod:`fnmatch`) of URLs that may appear more
    than once. ``repo_root`` is where links that start with ``/`` are resolved (default: the
    nearest folder above the file holding a ``.git``). ``now`` pins the clock for
    ``expiring-url`` (default: the current time).
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    extend_select: frozenset[str] = frozenset()
    duplicate_url_allow: tuple[str, ...] = ()
    duplicate_title_scope: str = "section"  # "section": a title repeated under another
    # heading is a duplicate only when its URL is the same resource too; "file": anywhere
    repo_root: Path | None = None
    check_local_links: bool = True
    now: datetime | None = None
