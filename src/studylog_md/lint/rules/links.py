"""Rules about links: local files and anchors that do not exist, empty links, tracking
parameters and signed URLs that stop working. Everything here is offline.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

from ... import urls
from ...document._inline import normalize_label
from ...document.model import Link
from .. import anchors
from ..base import LintContext, rule
from ..diagnostic import Diagnostic, Fix, Severity

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Compiled on first use (by ``re``'s cache): only rare links need them.
_REFERENCE_DEFINITION = r"^[ \t>]*\[[^\]]+\]:[ \t]*<?$"
_EMPTY_TEXT = r"\[[ \t]*\]\([ \t]*<?$"
_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn"})
# Fragments every page has: "#" alone and "#top" scroll to the top (HTML spec, "indicated part").
_ALWAYS = frozenset({"", "top"})


def _is_web(url: str) -> bool:
    return url[:7].lower() == "http://" or url[:8].lower() == "https://"


def _local(url: str) -> tuple[str, str | None] | None:
    """(decoded path, fragment) of a link to a local file or anchor; None for other links."""
    if not url or url.startswith("//") or _SCHEME.match(url):
        return None
    path, hash_, fragment = url.partition("#")
    path = path.partition("?")[0]
    return unquote(path), (fragment if hash_ else None)


class _Files:
    """Existence checks and anchors of linked Markdown files, each looked up once."""

    def __init__(self, ctx: LintContext) -> None:
        self.ctx = ctx
        self.exists: dict[str, bool] = {}
        self.anchors: dict[str, frozenset[str] | None] = {}
        self._own: frozenset[str] | None = None
        folder, root = ctx.folder, ctx.repo_root
        # Plain strings: a big log has thousands of links, and pathlib costs ~0.3 ms each.
        self.folder = str(folder) if folder is not None else None
        self.root = str(root) if root is not None else None
        self.self_path = str(Path(ctx.path).resolve()) if folder is not None else ""

    def target(self, path: str) -> str | None:
        """Where a link's path points; None when it cannot be known (stdin, outside the repo)."""
        folder, root = self.folder, self.root
        if folder is None or root is None:
            return None
        base: str = root if path.startswith("/") else folder
        resolved = os.path.normpath(os.path.join(base, path.lstrip("/")))
        # "../../issues" from a README is a page of the GitHub UI, not a file in the repo.
        if resolved != root and not resolved.startswith(root.rstrip(os.sep) + os.sep):
            return None
        return resolved

    def exist(self, target: str) -> bool:
        known = self.exists.get(target)
        if known is None:
            known = self.exists[target] = os.path.exists(target)
        return known

    def own_anchors(self) -> frozenset[str]:
        """This document's anchors: its headings (GitHub slugs) and HTML ``id``/``name``."""
        if self._own is None:
            doc = self.ctx.doc
            headings = [s.raw for s in doc.sections if s.line >= 0]
            self._own = frozenset(anchors.heading_anchors(headings)) | frozenset(
                anchors.html_anchors(self.ctx.text)
            )
        return self._own

    def anchors_of(self, target: str) -> frozenset[str] | None:
        """The anchors of a linked Markdown file (None when it cannot be read)."""
        if target not in self.anchors:
            try:
                text = Path(target).read_text(encoding="utf-8", errors="surrogateescape")
            except OSError:
                self.anchors[target] = None
            else:
                self.anchors[target] = frozenset(anchors.anchors_for_markdown(text))
        return self.anchors[target]

    def is_self(self, target: str) -> bool:
        return target == self.self_path


# --- broken-link -------------------------------------------------------------------------------


@rule(
    "SL011",
    "broken-link",
    Severity.ERROR,
    "A relative link to a file that does not exist.",
)
def broken_link(ctx: LintContext) -> Iterator[Diagnostic]:
    if not ctx.options.check_local_links or ctx.folder is None:
        return
    files = _Files(ctx)
    for link in ctx.doc.links:
        local = _local(link.url)
        if local is None or not local[0]:
            continue
        target = files.target(local[0])
        if target is None or files.exist(target):
            continue
        where = "the repository root" if local[0].startswith("/") else "this file's folder"
        yield ctx.report(
            "broken-link",
            link.line,
            link.column,
            f"{local[0]!r} does not exist (relative to {where}); fix the path or remove the link",
        )


# --- broken-anchor -----------------------------------------------------------------------------


@rule(
    "SL012",
    "broken-anchor",
    Severity.WARNING,
    "A #fragment that matches no heading or anchor in the target Markdown file.",
)
def broken_anchor(ctx: LintContext) -> Iterator[Diagnostic]:
    files: _Files | None = None
    for link in ctx.doc.links:
        if "#" not in link.url:
            continue
        local = _local(link.url)
        if local is None:
            continue
        path, fragment = local
        if fragment is None or unquote(fragment).casefold() in _ALWAYS:
            continue
        if files is None:
            files = _Files(ctx)
        if not path:
            known = files.own_anchors()
            where = "this file"
        else:
            if not ctx.options.check_local_links or Path(path).suffix.lower() not in (
                _MARKDOWN_SUFFIXES
            ):
                continue
            target = files.target(path)
            if target is None or not files.exist(target) or os.path.isdir(target):
                continue  # broken-link reports a missing file
            if files.is_self(target):
                known = files.own_anchors()
            else:
                found = files.anchors_of(target)
                if found is None:
                    continue
                known = found
            where = path
        if anchors.fragment_matches(fragment, known):
            continue
        yield ctx.report(
            "broken-anchor",
            link.line,
            link.column,
            f"#{fragment} matches no heading or anchor in {where}; "
            "link to an existing heading's anchor",
        )


# --- empty-link / empty-link-text --------------------------------------------------------------


@rule(
    "SL013",
    "empty-link",
    Severity.WARNING,
    "A link with an empty destination: [text](), or [text](#) as an entry's link.",
)
def empty_link(ctx: LintContext) -> Iterator[Diagnostic]:
    entry_lines: set[int] | None = None
    for link in ctx.doc.links:
        if link.kind != "inline" or link.offset < 0:
            continue
        target = link.url.strip()
        if target == "#":
            # "[Lecture 3](#)" in an entry: a placeholder for a link never filled in. In
            # prose, "[Back to top](#)" scrolls to the top and is fine.
            if entry_lines is None:
                entry_lines = {entry.line for entry in ctx.doc.entries}
            if link.line not in entry_lines:
                continue
            message = "this link is a placeholder (#) that goes nowhere; add the URL or remove it"
        elif target:
            continue
        else:
            message = "this link has no destination; add the URL or remove the link"
        yield ctx.report("empty-link", link.line, link.column, message)


@rule(
    "SL014",
    "empty-link-text",
    Severity.WARNING,
    "A link with no text, [](url): readers see nothing to click.",
)
def empty_link_text(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    for link in ctx.doc.links:
        if link.kind != "inline" or link.image or link.text or link.offset < 0:
            continue
        before = lines[link.line - 1][: link.column - 1]
        match = re.search(_EMPTY_TEXT, before)
        if match is None:
            continue  # the text is an image or markup that renders as something
        yield ctx.report(
            "empty-link-text",
            link.line,
            match.start() + 1,
            "this link has no text, so there is nothing to click; write its title "
            "between the brackets",
        )


# --- broken-link-syntax ----------------------------------------------------------------------

# "[text] (url)": a space between the brackets and the parenthesis; GitHub renders both as
# text. The target must look like a link, so "[x] (optional)" and "[ ] (2h)" are left alone.
_BROKEN_LINK = (
    r"(?<![\\\]])\[([^\[\]\n]{2,})\]([ \t]+)\("
    r"((?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.|mailto:|\.{0,2}/|#)[^()\s]*)\)"
)
_BROKEN_BLOCKS = ("paragraph", "heading", "table")


@rule(
    "SL024",
    "broken-link-syntax",
    Severity.WARNING,
    "[text] (url): a space before the parenthesis, so GitHub shows no link.",
    fixable=True,
)
def broken_link_syntax(ctx: LintContext) -> Iterator[Diagnostic]:
    lines = ctx.doc.lines
    refs = ctx.doc.references
    pattern: re.Pattern[str] | None = None  # compiled for the first line that may need it
    for block in ctx.doc.blocks:
        if block.kind not in _BROKEN_BLOCKS:
            continue
        for index in range(block.start, min(block.end, len(lines))):
            line = lines[index]
            if "] " not in line and "]\t" not in line:
                continue
            if pattern is None:
                pattern = re.compile(_BROKEN_LINK)
            for match in pattern.finditer(line):
                if line.count("`", 0, match.start()) % 2:
                    continue  # inside a code span
                if normalize_label(match.group(1)) in refs:
                    continue  # "[label] (text)": a reference link, then text
                gap = match.span(2)
                yield ctx.report(
                    "broken-link-syntax",
                    index + 1,
                    match.start() + 1,
                    f"'[{match.group(1)}] (...)' is not a link: GitHub needs the parenthesis "
                    "right after the bracket; remove the space",
                    # Unsafe: a link appears where GitHub showed text (the log's look changes).
                    fix=Fix(
                        "remove the space before the link's parenthesis",
                        (ctx.replace(index, gap[0], gap[1], ""),),
                        "unsafe",
                    ),
                )


# --- tracking-params / expiring-url ------------------------------------------------------------


def _definition(ctx: LintContext, link: Link) -> Link | None:
    """Where a reference link's URL is written: its ``[label]: url`` definition line."""
    start = ctx.text.find(link.url)
    while start >= 0:
        line, column = ctx.doc.position(start)
        if re.match(_REFERENCE_DEFINITION, ctx.doc.lines[line][:column]):
            return Link(
                link.text,
                link.url,
                line + 1,
                column + 1,
                column + 1 + len(link.url),
                link.image,
                "definition",
                start,
                start + len(link.url),
            )
        start = ctx.text.find(link.url, start + 1)
    return None


def _web_links(ctx: LintContext) -> Iterator[Link]:
    """Every http(s) link with a query, once per place it is written.

    A reference link's URL is written on its definition line, which is where a finding (and
    a fix) belongs, however many times the reference is used.
    """
    seen: set[tuple[int, int]] = set()
    for link in ctx.doc.links:
        if not _is_web(link.url) or "?" not in link.url:
            continue
        if link.offset < 0 and link.kind == "reference":
            link = _definition(ctx, link) or link
        key = (link.line, link.column)
        if key in seen:
            continue
        seen.add(key)
        yield link


@rule(
    "SL015",
    "tracking-params",
    Severity.WARNING,
    "Tracking parameters (utm_*, fbclid, ...) in a URL.",
    fixable=True,
)
def tracking_params(ctx: LintContext) -> Iterator[Diagnostic]:
    text = ctx.text
    for link in _web_links(ctx):
        params = urls.tracking_params(link.url)
        if not params:
            continue
        if urls.expiry(link.url) is not None:
            continue  # a signed URL: removing a parameter breaks its signature
        fix = None
        if link.offset >= 0 and text[link.offset : link.end_offset] == link.url:
            # Only when the source spells the URL as it is (no &amp; or backslash escapes).
            clean = urls.strip_tracking(link.url)
            if clean != link.url:
                base = ctx.doc.line_offset(link.line - 1)
                start = link.offset - base
                fix = Fix(
                    "remove the tracking parameters",
                    (ctx.replace(link.line - 1, start, start + len(link.url), clean),),
                )
        names = ", ".join(params)
        yield ctx.report(
            "tracking-params",
            link.line,
            link.column,
            f"this URL carries tracking parameters ({names}); remove them",
            fix=fix,
        )


@rule(
    "SL016",
    "expiring-url",
    Severity.WARNING,
    "A signed URL (CDN, cloud storage) that stops working at a date.",
)
def expiring_url(ctx: LintContext) -> Iterator[Diagnostic]:
    for link in _web_links(ctx):
        info = urls.expiry(link.url)
        if info is None:
            continue
        when = urls.expiry_date(info)
        if when is None:
            detail = "this is a signed URL that stops working after a while"
        elif when <= ctx.now:
            detail = f"this signed URL expired on {when:%Y-%m-%d}"
        else:
            detail = f"this signed URL expires on {when:%Y-%m-%d}"
        yield ctx.report(
            "expiring-url",
            link.line,
            link.column,
            f"{detail}; link to the page that serves it instead",
        )
