"""Online link checking as lint findings: ``lint --online`` and ``check-links``.

The engine (``studylog_md.linkcheck``) answers one verdict per distinct URL; this module
collects the http(s) links of every file of a run, checks each URL once for the whole run,
and turns the verdicts back into findings at each link's position. Offline stays the default:
nothing here runs unless asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..document.replace import Replacement
from .base import SPECS, declare, rule_name
from .diagnostic import Diagnostic, Fix, Severity
from .suppress import Suppressions

if TYPE_CHECKING:  # pragma: no cover
    from ..document.model import Document, Link
    from ..linkcheck import LinkCheckOptions, LinkResult

declare(
    "SL030",
    "dead-link",
    Severity.ERROR,
    "An http(s) link answers 404/410, its host does not exist, or it redirects in a loop.",
)
declare(
    "SL031",
    "unverifiable-link",
    Severity.WARNING,
    "The site would not let us look (401/403/429/999, a timeout, a TLS error).",
)
declare(
    "SL032",
    "redirected-link",
    Severity.INFO,
    "A link permanently redirects (301/308) to a live page; the fix links there directly.",
    fixable=True,
)
declare(
    "SL033",
    "link-not-checked",
    Severity.INFO,
    "A link was not checked: a private or local address, or an excluded URL.",
)

ONLINE_RULES = ("dead-link", "unverifiable-link", "redirected-link", "link-not-checked")


def http_links(doc: Document) -> list[Link]:
    """The document's http(s) links (entries' and the rest of the file's), in order."""
    return [link for link in doc.links if link.url.lower().startswith(("http://", "https://"))]


def check_documents(
    items: Sequence[tuple[Document, str]],
    options: LinkCheckOptions,
    *,
    strict: bool = False,
    selected: frozenset[str] | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    warn: Callable[[str], None] | None = None,
    results: dict[str, LinkResult] | None = None,
) -> dict[str, list[Diagnostic]]:
    """Check every http(s) link of every document once; findings by path.

    ``warn`` hears about trouble that does not stop the check (a cache that cannot be used).
    ``results``, when given, receives the verdict of every distinct URL (for reports).
    """
    from ..linkcheck import check_links

    per_doc = [(doc, path, http_links(doc)) for doc, path in items]
    urls: dict[str, None] = {}
    for _doc, _path, links in per_doc:
        for link in links:
            urls.setdefault(link.url, None)
    checked = check_links(list(urls), options, progress=progress, warn=warn) if urls else {}
    if results is not None:
        results.update(checked)
    findings: dict[str, list[Diagnostic]] = {}
    for doc, path, links in per_doc:
        suppress = Suppressions.scan(doc, rule_name)
        found: list[Diagnostic] = []
        for link in links:
            result = checked.get(link.url)
            if result is None:
                continue
            diagnostic = _finding(path, link, result, strict)
            if diagnostic is None:
                continue
            if selected is not None and diagnostic.rule not in selected:
                continue
            if suppress.file_disabled(diagnostic.rule) or suppress.disabled(
                diagnostic.rule, diagnostic.line
            ):
                continue
            found.append(diagnostic)
        found.sort(key=lambda d: (d.line, d.column, d.code))
        findings[path] = found
    return findings


def _finding(path: str, link: Link, result: LinkResult, strict: bool) -> Diagnostic | None:
    from ..linkcheck import redact

    shown = redact(link.url)
    verdict = result.verdict
    if verdict == "ok":
        return None
    if verdict == "dead":
        return _make(path, link, "dead-link", f"{shown} is dead: {result.detail}; fix or remove it")
    if verdict == "unverifiable":
        return _make(
            path,
            link,
            "unverifiable-link",
            f"{shown} could not be verified: {result.detail} (the site would not let us look)",
            severity=Severity.ERROR if strict else None,
        )
    if verdict == "redirected" and result.final_url:
        fix = None
        if link.offset >= 0:
            fix = Fix(
                f"link to {redact(result.final_url)}",
                (Replacement(link.offset, link.end_offset, result.final_url),),
                "unsafe",  # a new link target: the site's word, not the author's
            )
        return _make(
            path,
            link,
            "redirected-link",
            f"{shown} permanently redirects to {redact(result.final_url)}; link there directly",
            fix=fix,
        )
    return _make(path, link, "link-not-checked", f"{shown} was not checked: {result.detail}")


def _make(
    path: str,
    link: Link,
    name: str,
    message: str,
    *,
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    spec = SPECS[name]
    return Diagnostic(
        path=path,
        line=link.line,
        column=link.column,
        code=spec.code,
        rule=name,
        severity=severity or spec.severity,
        message=message,
        fix=fix,
        end_line=link.line,
        end_column=link.end_column,
    )
