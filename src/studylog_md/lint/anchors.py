"""Which ``#fragment`` targets a Markdown file has on GitHub: heading slugs and HTML anchors.

Heading slugs follow github-slugger (the algorithm GitHub's renderer matches): lower case;
remove every character that is punctuation (``-`` excepted), a symbol (emoji included), a
separator (the ASCII space excepted), a control, format, private-use or unassigned character
or an "other number" (``²``, ``½``) — unless it is alphabetic (``Ⓐ``); then each space becomes
``-``. Letters, marks, decimal and letter numbers and connector punctuation (``_``) stay, in
any script. A repeated slug gets ``-1``, ``-2``, ... (:class:`Slugger`).

What GitHub slugs is the heading's *rendered text*: link text without the URL, code span
contents, no emphasis markers, no HTML tags, nothing for an image. :func:`heading_text` turns a
heading's inline Markdown into that text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Set
from functools import cache, lru_cache
from typing import TYPE_CHECKING, overload
from urllib.parse import unquote

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = [
    "Slugger",
    "anchors_for_markdown",
    "fragment_matches",
    "github_slug",
    "heading_anchors",
    "heading_text",
    "html_anchors",
]

# General categories that are kept (github-slugger removes everything else but " " and "-").
_KEEP = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "Pc", "Cs"})
# Symbols with the Unicode "Alphabetic" property (circled and squared Latin letters):
# github-slugger keeps them although their category is So.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))
_ASCII_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_- ")


@lru_cache(maxsize=4096)
def _kept(char: str) -> bool:
    if unicodedata.category(char) in _KEEP:
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _ALPHABETIC_SYMBOLS)


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading whose plain text is ``text`` (no de-duplication).

    >>> github_slug("Getting Started!")
    'getting-started'
    >>> github_slug("😄 Привет, 你好 – v2.0")
    '-привет-你好--v20'
    """
    lowered = text.lower()
    if lowered.isascii():
        kept = "".join(c for c in lowered if c in _ASCII_KEEP)
    else:
        kept = "".join(c for c in lowered if c in _ASCII_KEEP or (c > "\x7f" and _kept(c)))
    return kept.replace(" ", "-")


class Slugger:
    """Unique slugs for the headings of one document, in order, exactly as github-slugger.

    >>> slugger = Slugger()
    >>> [slugger.slug(t) for t in ("Notes", "Notes", "Notes 1", "Notes")]
    ['notes', 'notes-1', 'notes-1-1', 'notes-2']
    """

    __slots__ = ("_occurrences",)

    def __init__(self) -> None:
        self._occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        """The slug of ``text``, with ``-N`` appended when it was already taken."""
        original = result = github_slug(text)
        # A heading that already reads "foo-1" takes that slug, so a later second "foo" must
        # skip it: count on until the candidate is free.
        while result in self._occurrences:
            self._occurrences[original] += 1
            result = f"{original}-{self._occurrences[original]}"
        self._occurrences[result] = 0
        return result

    def reset(self) -> None:
        """Forget every slug handed out so far."""
        self._occurrences.clear()


# --- the rendered text of a heading ------------------------------------------------------------


@lru_cache(maxsize=1)
def _inline_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("strikethrough")


def _text_of(tokens: list[Token], out: list[str]) -> None:
    for token in tokens:
        kind = token.type
        if kind in ("text", "text_special", "code_inline"):
            out.append(token.content)
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind == "image":
            continue  # an <img> has no text content: its alt text is not in the slug
        elif token.children:
            _text_of(token.children, out)


def heading_text(markdown: str) -> str:
    """The text GitHub reads from a heading written as ``markdown`` (inline Markdown).

    >>> heading_text("[**Deep** Learning](https://x.example) `v2` ![logo](l.png)")
    'Deep Learning v2 '
    """
    if not any(c in markdown for c in "\\`*_~[]<>&!"):
        return markdown  # nothing to render: the common case, without a parse
    out: list[str] = []
    for token in _inline_parser().parseInline(markdown):
        _text_of(token.children or [], out)
    return "".join(out)


def heading_anchors(headings: Iterable[str]) -> set[str]:
    """The slugs of headings given as inline Markdown (``Section.raw``), in document order."""
    slugger = Slugger()
    return {slugger.slug(heading_text(raw)) for raw in headings}


# --- explicit HTML anchors ---------------------------------------------------------------------

# CommonMark's raw HTML (spec 6.6): names are [A-Za-z_:][A-Za-z0-9_.:-]*, which also keeps a
# run of "<a <a <a" from being read as one tag with thousands of attributes.
# The patterns are compiled on first use: most files have no HTML (start-up of the hook).
_ATTR = r"[A-Za-z_:][A-Za-z0-9_.:-]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?"
_TAG = rf"<([A-Za-z][A-Za-z0-9-]*)((?:\s+{_ATTR})*)\s*/?>"
_ATTRIBUTE = r"([A-Za-z_:][A-Za-z0-9_.:-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?"
_FENCE = r"^ {0,3}(`{3,}|~{3,})"


def _outside_fences(text: str) -> Iterable[str]:
    """The lines of ``text`` that are not inside fenced code blocks (HTML there is just text)."""
    fence: str | None = None
    fence_match = re.compile(_FENCE).match
    for line in text.splitlines():
        match = fence_match(line)
        if fence is None:
            if match and not (match.group(1)[0] == "`" and "`" in line[match.end() :]):
                fence = match.group(1)
                continue
            yield line
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            if not line[match.end() :].strip():
                fence = None


def html_anchors(text: str) -> set[str]:
    """Explicit anchors in raw HTML: ``id`` on any tag, ``name`` on ``<a>``.

    Values may be double-quoted, single-quoted or bare; tag and attribute names are
    case-insensitive; entities in values are decoded. Fenced code blocks are skipped.

    >>> sorted(html_anchors('<a name="books"></a> <DIV ID=papers>'))
    ['books', 'papers']
    """
    if "<" not in text:
        return set()
    if "```" in text or "~~~" in text:
        text = "\n".join(_outside_fences(text))  # one string again: a tag may span lines
    found: set[str] = set()
    attributes = re.compile(_ATTRIBUTE).finditer
    for tag in re.finditer(_TAG, text):
        is_a = tag.group(1).lower() == "a"
        for attribute in attributes(tag.group(2)):
            name = attribute.group(1).lower()
            if name == "id" or (name == "name" and is_a):
                value = next((g for g in attribute.groups()[1:] if g is not None), "")
                value = html.unescape(value)
                if value:
                    found.add(value)
    return found


# --- everything a file offers ------------------------------------------------------------------


def _markdown_headings(source: str) -> list[str]:
    """The inline Markdown of every heading of ``source``, in order (ATX and setext)."""
    from ..document.parse import parse_tokens

    tokens = parse_tokens(source.removeprefix("\ufeff"), {})
    return [
        tokens[i + 1].content
        for i, token in enumerate(tokens)
        if token.type == "heading_open" and i + 1 < len(tokens)
    ]


@overload
def anchors_for_markdown(source_text: str, /) -> set[str]: ...


@overload
def anchors_for_markdown(heading_texts: Iterable[str], source_text: str, /) -> set[str]: ...


def anchors_for_markdown(first: Iterable[str] | str, source_text: str | None = None, /) -> set[str]:
    """Every anchor of a Markdown file: heading slugs (de-duplicated in order) and HTML anchors.

    Two forms: ``anchors_for_markdown(heading_texts, source_text)`` with the headings' *plain*
    texts already known, or ``anchors_for_markdown(source_text)``, which finds the headings
    in the source itself (for a linked file that has not been parsed).

    >>> sorted(anchors_for_markdown("# Intro\\n\\n## Intro\\n\\n<a id='x'></a>\\n"))
    ['intro', 'intro-1', 'x']
    """
    if source_text is None:
        if not isinstance(first, str):
            raise TypeError("anchors_for_markdown(source_text) needs the file's text")
        source_text = first
        found = heading_anchors(_markdown_headings(source_text))
    else:
        if isinstance(first, str):
            raise TypeError("heading_texts must be an iterable of strings, not one string")
        slugger = Slugger()
        found = {slugger.slug(text) for text in first}
    return found | html_anchors(source_text)


# --- matching a fragment -----------------------------------------------------------------------

_USER_CONTENT = "user-content-"


@cache
def _line_fragment() -> re.Pattern[str]:
    """Fragments that need no anchor: GitHub's line links (#L10, #L10-L20, #L10C2-L12C5)."""
    return re.compile(r"L\d+(?:C\d+)?(?:-L\d+(?:C\d+)?)?")


def fragment_matches(fragment: str, anchors: Set[str], *, case_sensitive: bool = False) -> bool:
    """Whether ``#fragment`` scrolls somewhere on a GitHub page with these ``anchors``.

    Decisions (GitHub's page script is what readers click through):

    * ``#`` (empty) and ``#top`` (any case) always work: they go to the top of the page;
    * the fragment is matched as written and percent-decoded (``#%D0%BF...`` is ``#п...``);
    * GitHub renders ids as ``user-content-X`` and its script also takes ``#X``: both match;
    * case is ignored unless ``case_sensitive`` — GitHub's script falls back to the lower-case
      fragment, and slugs are lower case anyway (other renderers are stricter);
    * text fragments (``#:~:text=...``) and line links (``#L10-L20``) always match; for
      ``#heading:~:text=...`` the part before ``:~:`` must match.
    """
    directive = fragment.find(":~:")
    if directive >= 0:
        fragment = fragment[:directive]
    candidates = {fragment, unquote(fragment, errors="surrogateescape")}
    for candidate in list(candidates):
        if candidate.startswith(_USER_CONTENT):
            candidates.add(candidate[len(_USER_CONTENT) :])
    for candidate in candidates:
        if candidate == "" or candidate.lower() == "top" or candidate in anchors:
            return True
        if _line_fragment().fullmatch(candidate):
            return True
    if case_sensitive:
        return False
    lowered = {candidate.lower() for candidate in candidates}
    return any(anchor.lower() in lowered for anchor in anchors)
