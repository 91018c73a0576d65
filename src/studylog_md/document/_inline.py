"""A small inline scanner: the plain text of a cell or heading, and its links with spans.

Running markdown-it-py's full inline parser over every cell of a big log costs more than the
block parse itself, and its tokens carry no columns. A study log's cells hold a narrow set of
inline constructs — links, images, autolinks, bare URLs, code spans, emphasis, escapes,
entities, a little HTML — so we scan for exactly those, in one pass, and keep the offsets of
every URL so that a fix can rewrite the URL bytes and nothing else.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from functools import cache
from typing import Literal, NamedTuple

# How a link is written; "definition" is a reference definition line (``[x]: url``).
LinkKind = Literal["inline", "reference", "autolink", "bare", "html", "definition"]

ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

_BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<]+", re.IGNORECASE)


# The patterns for '<' (autolinks, HTML) are compiled the first time a text has one: most logs
# never do, and compiling them costs ~2 ms of every start-up of the pre-commit hook.
@cache
def _autolink() -> re.Pattern[str]:
    return re.compile(r"<([A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*)>")


@cache
def _email_autolink() -> re.Pattern[str]:
    return re.compile(
        r"<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
        r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>"
    )


@cache
def _html_tag() -> re.Pattern[str]:
    return re.compile(
        r"</?[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][A-Za-z0-9_.:-]*"
        r"(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*/?>|<!--.*?-->",
        re.DOTALL,
    )


@cache
def _href() -> re.Pattern[str]:
    return re.compile(r"""\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)


@cache
def _quote_or_angle() -> re.Pattern[str]:
    return re.compile("[\"'<]")


_EMPHASIS_RUN = re.compile(r"(?<![\w\\])[*_]+|[*_]+(?![\w])|~~|\*+")


class RawLink(NamedTuple):
    """A link found in a piece of inline text; offsets are relative to that text."""

    text: str
    url: str
    url_start: int  # where the URL's characters are in the source (-1 for reference links)
    url_end: int
    start: int  # the whole construct
    end: int
    image: bool = False
    kind: LinkKind = "inline"


def normalize_label(label: str) -> str:
    """Reference labels match case-insensitively with collapsed whitespace (CommonMark 4.7)."""
    return " ".join(label.split()).casefold()


# Every scan is linear (or n log n): code spans and bracket pairs are found in one pass each,
# and link destinations, titles, labels and HTML tags are looked for only within a bounded
# window. A naive "search forward from every '['" is quadratic: 100,000 '[' would not finish.
MAX_DESTINATION = 4096
MAX_LABEL = 999  # CommonMark: a link label is at most 999 characters
MAX_TAG = 4096
MAX_FALLBACK = 160


def _code_spans(text: str) -> dict[int, tuple[int, int]]:
    """Code spans: opening backtick-run start -> (content start, span end)."""
    if "`" not in text:
        return {}
    runs: list[tuple[int, int]] = []  # (start, length)
    i = text.find("`")
    n = len(text)
    while i >= 0:
        j = i
        while j < n and text[j] == "`":
            j += 1
        # a backslash before a run escapes its first backtick (outside code spans)
        runs.append((i, j - i))
        i = text.find("`", j)
    by_length: dict[int, list[int]] = {}
    for index, (_start, length) in enumerate(runs):
        by_length.setdefault(length, []).append(index)
    import bisect

    spans: dict[int, tuple[int, int]] = {}
    index = 0
    while index < len(runs):
        start, length = runs[index]
        if start > 0 and text[start - 1] == "\\" and not _escaped_backslash(text, start - 1):
            index += 1
            continue
        same = by_length[length]
        k = bisect.bisect_right(same, index)
        if k < len(same):
            close_index = same[k]
            close_start = runs[close_index][0]
            spans[start] = (start + length, close_start + length)
            index = close_index + 1
        else:
            index += 1
    return spans


def _escaped_backslash(text: str, pos: int) -> bool:
    """Whether the backslash at ``pos`` is itself escaped (an odd run of backslashes before)."""
    count = 0
    while pos - 1 - count >= 0 and text[pos - 1 - count] == "\\":
        count += 1
    return count % 2 == 1


def _bracket_pairs(text: str, spans: dict[int, tuple[int, int]]) -> dict[int, int]:
    """Matching ``[`` -> ``]`` positions, escapes and code spans respected, in one pass."""
    pairs: dict[int, int] = {}
    if "[" not in text:
        return pairs
    stack: list[int] = []
    i = 0
    n = len(text)
    stop = _BRACKET_STOP.search
    while i < n:
        found = stop(text, i)  # skip, in C, what cannot escape, open or close
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            span = spans.get(i)
            if span is not None:
                i = span[1]
                continue
            while i < n and text[i] == "`":
                i += 1
            continue
        if ch == "[":
            stack.append(i)
        elif ch == "]" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


def _parse_destination(text: str, pos: int, n: int) -> tuple[str, int, int, int] | None:
    """Parse ``(dest "title")`` starting at the ``(`` at ``pos``, looking no further than ``n``.

    Returns (url, url_start, url_end, end_after_paren) or None when it is not a link.
    """
    i = pos + 1
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] == "<":
        close = i + 1
        while close < n and text[close] not in "<>\n":
            close += 2 if text[close] == "\\" else 1
        if close >= n or text[close] != ">":
            return None
        url_start, url_end = i + 1, close
        i = close + 1
    else:
        url_start = i
        depth = 0
        plain = _DEST_PLAIN.match
        while i < n:
            run = plain(text, i, n)  # skip ordinary URL characters in C: URLs are long
            if run is not None:
                i = run.end()
                if i >= n:
                    break
            ch = text[i]
            if ch == "\\" and i + 1 < n:
                i += 2
                continue
            if ch in " \t" or ord(ch) < 0x20:
                break
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        url_end = i
        if depth != 0:
            return None
    while i < n and text[i] in " \t":
        i += 1
    if i < n and text[i] in "\"'(":
        closer = ")" if text[i] == "(" else text[i]
        j = i + 1
        while j < n and text[j] != closer:
            j += 2 if text[j] == "\\" else 1
        if j >= n:
            return None
        i = j + 1
        while i < n and text[i] in " \t":
            i += 1
    if i >= n or text[i] != ")":
        return None
    return _unescape(text[url_start:url_end]), url_start, url_end, i + 1


def _unescape(text: str) -> str:
    if "\\" in text:
        text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _trim_bare_url(url: str) -> str:
    # GFM autolink extension: trailing punctuation is not part of the link, nor an unbalanced
    # closing parenthesis. Trimmed by moving an index: slicing and recounting at every step
    # was quadratic ("http://a" followed by 20,000 "&amp;" took 6 s).
    end = len(url)
    opens = url.count("(")
    closes = url.count(")")
    while end:
        last = url[end - 1]
        if last in "?!.,:*_~'\"":
            end -= 1
        elif last == ")" and closes > opens:
            closes -= 1
            end -= 1
        elif (
            last == ";"
            and (amp := url.rfind("&", 0, end)) >= 0
            and (name := url[amp + 1 : end - 1]).isascii()
            and name.isalnum()  # an entity reference's name, as in &amp;
        ):
            end = amp
        else:
            break
    return url[:end]


class _Context:
    """What one scan precomputes: code spans, bracket pairs, and (lazily) paren pairs."""

    __slots__ = ("last_comment_end", "pairs", "parens", "spans")

    def __init__(self, spans: dict[int, tuple[int, int]], pairs: dict[int, int]) -> None:
        self.spans = spans
        self.pairs = pairs
        self.parens: dict[int, int] | None = None
        self.last_comment_end: int | None = None

    def comment_may_close(self, text: str, pos: int) -> bool:
        """Whether a ``-->`` follows ``pos`` at all (else no comment can be read there)."""
        if self.last_comment_end is None:
            self.last_comment_end = text.rfind("-->")
        return self.last_comment_end > pos

    def paren_close(self, text: str, pos: int) -> int:
        """The ``)`` matching the ``(`` at ``pos`` (escapes respected), or -1."""
        if self.parens is None:
            self.parens = _paren_pairs(text)
        return self.parens.get(pos, -1)


def _paren_pairs(text: str) -> dict[int, int]:
    pairs: dict[int, int] = {}
    stack: list[int] = []
    i = text.find("(")
    if i < 0:
        return pairs
    n = len(text)
    stop = _PAREN_STOP.search
    while i < n:
        found = stop(text, i)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs[stack.pop()] = i
        i += 1
    return pairs


# Where ``_scan_into`` has something to decide: a character that can start a construct, or
# the start of a bare URL (tried only where this matches, so skipping the rest is exact).
# Stopping at every "h" and "w" instead, as a character class must, stops every few letters.
_CANDIDATE = re.compile(r"[\\`\[!<]|https?://|www\.", re.IGNORECASE)
# The characters the one-pass bracket and parenthesis matchers act on.
_BRACKET_STOP = re.compile(r"[\\`\[\]]")
_PAREN_STOP = re.compile(r"[\\()]")
# A run of URL characters that need no decision (no escape, space, parenthesis or control).
_DEST_PLAIN = re.compile(r"[^\\ \t()\x00-\x1f]+")


class InlineScan(NamedTuple):
    """Result of scanning: plain text and links."""

    text: str
    links: list[RawLink]


def scan(source: str, references: Mapping[str, str] | None = None) -> InlineScan:
    """Scan inline Markdown: its plain text (Markdown removed) and every link in it."""
    out: list[str] = []
    links: list[RawLink] = []
    spans = _code_spans(source)
    ctx = _Context(spans, _bracket_pairs(source, spans))
    _scan_into(source, 0, len(source), out, links, references or {}, in_link=False, ctx=ctx)
    # str.split() splits on exactly what \s matches (str.isspace): faster than re.sub + strip
    plain = " ".join("".join(out).split())
    return InlineScan(plain, links)


def plain_text(source: str) -> str:
    """The text a reader sees: link text without the URL, no emphasis markers, no escapes."""
    return scan(source).text


def _scan_into(
    text: str,
    start: int,
    end: int,
    out: list[str],
    links: list[RawLink],
    refs: Mapping[str, str],
    *,
    in_link: bool,
    ctx: _Context,
) -> None:
    i = start
    plain_from = start
    candidate = _CANDIDATE.search
    while i < end:
        found = candidate(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if ch == "\\" and i + 1 < end and text[i + 1] in ASCII_PUNCT:
            _flush(text, plain_from, i, out)
            out.append(text[i + 1])
            i += 2
            plain_from = i
            continue
        if ch == "`":
            span = ctx.spans.get(i)
            if span is not None and span[1] > end:
                span = None
            if span is None:
                j = i
                while j < end and text[j] == "`":
                    j += 1
                i = j
                continue
            _flush(text, plain_from, i, out)
            content = text[span[0] : span[1] - (span[0] - i)]
            if len(content) >= 2 and content[0] == " " and content[-1] == " " and content.strip():
                content = content[1:-1]
            out.append(content)
            i = span[1]
            plain_from = i
            continue
        if ch == "[" or (ch == "!" and i + 1 < end and text[i + 1] == "["):
            image = ch == "!"
            open_at = i + 1 if image else i
            close = ctx.pairs.get(open_at, -1)
            if close >= end:
                close = -1
            if close > 0 and not in_link:
                link = _try_link(text, i, open_at, close, end, refs, image, ctx)
                if link is not None:
                    _flush(text, plain_from, i, out)
                    i, label_text, new_links = link
                    out.append(label_text)
                    links.extend(new_links)
                    plain_from = i
                    continue
        if ch == "<":
            match = _autolink().match(text, i, end) or _email_autolink().match(text, i, end)
            if match:
                _flush(text, plain_from, i, out)
                url = match.group(1)
                if "@" in url and ":" not in url:
                    url = "mailto:" + url
                links.append(
                    RawLink(
                        match.group(1),
                        url,
                        match.start(1),
                        match.end(1),
                        i,
                        match.end(),
                        False,
                        "autolink",
                    )
                )
                out.append(match.group(1))
                i = match.end()
                plain_from = i
                continue
            tag = None
            if not text.startswith("<!--", i) or ctx.comment_may_close(text, i):
                tag = _html_tag().match(text, i, min(end, i + MAX_TAG))
            if tag:
                _flush(text, plain_from, i, out)
                href = _href().search(tag.group(0)) if tag.group(0)[:2] != "<!" else None
                if href:
                    group = (
                        1 if href.group(1) is not None else 2 if href.group(2) is not None else 3
                    )
                    links.append(
                        RawLink(
                            "",
                            html.unescape(href.group(group)),
                            i + href.start(group),
                            i + href.end(group),
                            i,
                            tag.end(),
                            tag.group(0)[1:4].lower() == "img",
                            "html",
                        )
                    )
                i = tag.end()
                plain_from = i
                continue
        if (ch == "h" or ch == "H" or ch == "w" or ch == "W") and not in_link:
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "/@"):
                match = _BARE_URL.match(text, i, end)
                if match:
                    url = _trim_bare_url(match.group(0))
                    if url and (url.lower().startswith("www.") is False or "." in url[4:]):
                        _flush(text, plain_from, i, out)
                        full = url if "://" in url else "http://" + url
                        links.append(
                            RawLink(url, full, i, i + len(url), i, i + len(url), False, "bare")
                        )
                        out.append(url)
                        i += len(url)
                        plain_from = i
                        continue
        i += 1
    _flush(text, plain_from, end, out)


def _flush(text: str, start: int, end: int, out: list[str]) -> None:
    if start >= end:
        return
    chunk = text[start:end]
    if "*" in chunk or "_" in chunk or "~" in chunk:
        chunk = _EMPHASIS_RUN.sub("", chunk)
    if "&" in chunk:
        chunk = html.unescape(chunk)
    out.append(chunk)


def _try_link(
    text: str,
    i: int,
    open_at: int,
    close: int,
    end: int,
    refs: Mapping[str, str],
    image: bool,
    ctx: _Context,
) -> tuple[int, str, list[RawLink]] | None:
    """Read a link/image whose label spans ``open_at..close``: (end, label text, links)."""
    label_start, label_end = open_at + 1, close
    after = close + 1
    url: str | None = None
    url_start = url_end = -1
    stop = 0
    kind: LinkKind = "inline"
    if after < end and text[after] == "(":
        closing = ctx.paren_close(text, after)
        parsed = None
        if 0 < closing < end:
            parsed = _parse_destination(text, after, closing + 1)
        if parsed is None and _quote_or_angle().search(text, after, min(end, after + MAX_FALLBACK)):
            # A title or a <destination> may hold an unbalanced parenthesis: look a little
            # further than the matching ")" (a bounded window keeps this linear).
            parsed = _parse_destination(text, after, min(end, after + MAX_FALLBACK))
        if parsed is not None:
            url, url_start, url_end, stop = parsed
    if url is None and refs and after < end and text[after] == "[":
        ref_close = text.find("]", after + 1, min(end, after + 2 + MAX_LABEL))
        if ref_close > 0:
            label = text[after + 1 : ref_close] or text[label_start:label_end]
            target = refs.get(normalize_label(label)) if len(label) <= MAX_LABEL else None
            if target is not None:
                url, stop, kind = target, ref_close + 1, "reference"
    if url is None:
        if not refs or label_end - label_start > MAX_LABEL:
            return None
        target = refs.get(normalize_label(text[label_start:label_end]))
        if target is None:
            return None
        url, stop, kind = target, close + 1, "reference"
    inner_out: list[str] = []
    inner_links: list[RawLink] = []
    _scan_into(text, label_start, label_end, inner_out, inner_links, refs, in_link=True, ctx=ctx)
    label_text = " ".join("".join(inner_out).split())
    # an image inside a link's text (a badge): keep its URL too
    inner_links.append(RawLink(label_text, url, url_start, url_end, i, stop, image, kind))
    return stop, label_text, inner_links
