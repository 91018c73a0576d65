"""What is left of a title cell's text once the tails that are not its name are taken off.

Real logs append the length of a resource ("Intro to X (12:30)", "Paper Y - 45 min",
"Course [2h]", "Quicksort (4 videos)"): that is the entry's ``duration``, not part of its
name (two titles that differ only by it name one resource). Two spellings GitHub renders as
plain text are read for what the author meant: ``[text] (url)`` (a space before the paren: no
link, see the ``broken-link-syntax`` rule) and Obsidian's ``[[target|alias]]``.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

_TIME = r"\d{1,3}:[0-5]\d(?::[0-5]\d)?"
_UNITS = r"(?:h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)"
_SPAN = rf"\d+(?:\.\d+)?\s*{_UNITS}(?:\s*\d+\s*(?:m|mins?|minutes?|s|secs?))?"
_COUNT = (
    r"\d+\s*(?:videos?|lectures?|lessons?|pages?|pp\.?|chapters?|parts?|episodes?|"
    r"problems?|exercises?|sections?|modules?|talks?)"
)


_DIGIT = re.compile(r"\d")
_UNITS_WORDS = frozenset(
    {"h", "hr", "hrs", "hour", "hours", "m", "min", "mins", "minute", "minutes"}
    | {"s", "sec", "secs", "second", "seconds"}
)


def _ends_with_unit(text: str) -> bool:
    """ "... 45 min", "... 2h": a number and a unit of time at the very end."""
    end = len(text)
    start = end
    while start and text[start - 1].isalpha():
        start -= 1
    if text[start:end].lower() not in _UNITS_WORDS:
        return False
    while start and text[start - 1] == " ":
        start -= 1
    return start > 0 and text[start - 1].isdigit()


class Title(NamedTuple):
    """A title cell's name, and the duration or count taken off its end (None: none)."""

    text: str
    duration: str | None


@cache
def _tail() -> re.Pattern[str]:
    # Compiled on first use: most logs never write a duration.
    return re.compile(
        rf"\s*(?:\((?P<paren>{_TIME}|{_SPAN}|{_COUNT})\)"
        rf"|\[(?P<bracket>{_TIME}|{_SPAN}|{_COUNT})\]"
        rf"|\s[-–—|]\s*(?P<dash>{_TIME}|{_SPAN}))$",
        re.IGNORECASE,
    )


@cache
def _broken() -> re.Pattern[str]:
    return re.compile(
        r"\[([^\[\]\n]+)\][ \t]+\((?:[a-z][a-z0-9+.-]*:|www\.|/|\.|#)[^()\s]*\)", re.I
    )


@cache
def _wiki() -> re.Pattern[str]:
    return re.compile(r"\[\[([^\[\]|]+)(?:\|([^\[\]]+))?\]\]")


def broken_link(text: str) -> bool:
    """Whether ``text`` holds a ``[text] (url)`` that GitHub shows as no link."""
    return _broken().search(text) is not None


_UNIT_LAST = frozenset("hmsnrcde")  # the last letters of h, min, hr, sec, minute, second...


def may_change(text: str) -> bool:
    """Whether :func:`clean` could change ``text``: most titles are settled by one look.

    A 100,000-item task list asks this of every title, so it is a few string tests.
    """
    last = text[-1:]
    if not last:
        return False
    if last.isdigit():
        return ":" in text[-9:] or "[" in text
    return last in ")]" or last in _UNIT_LAST or "[" in text


def clean(text: str) -> Title:
    """The name in a title cell's plain text, and its trailing duration."""
    if "[" in text:
        if "] (" in text or "]\t(" in text:
            text = _broken().sub(r"\1", text)
        if "[[" in text:
            text = _wiki().sub(
                lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), text
            )
    # Cheap tests first (every task of a 100,000-item list passes here): a tail ends in a
    # digit, in a bracket with a digit shortly before it, or in a unit right after a number.
    last = text[-1:]
    if not last:
        return Title(text, None)
    if last in ")]":
        if _DIGIT.search(text, max(len(text) - 24, 0)) is None:
            return Title(text, None)
    elif last.isdigit():
        if ":" not in text[-9:]:  # only a time ("- 1:14:29") ends in a digit
            return Title(text, None)
    else:
        if not last.isalpha() or _DIGIT.search(text, max(len(text) - 12, 0)) is None:
            return Title(text, None)
        if not _ends_with_unit(text):
            return Title(text, None)
    # A tail is short: the pattern is tried on the end of the text only.
    match = _tail().search(text, max(len(text) - 48, 0))
    if match is None or match.start() == 0:
        return Title(text, None)
    duration = match.group("paren") or match.group("bracket") or match.group("dash")
    name = text[: match.start()].rstrip(" -–—|:,")
    if not name:
        return Title(text, None)
    return Title(name, duration)
