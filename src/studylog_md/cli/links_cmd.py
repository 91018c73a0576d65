"""``studylog-md check-links``: every http(s) link of study logs, checked online."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..document.printable import printable

# Where the cache lives is the library's answer (the language server's hover reads it too).
from ..linkcheck.peek import CACHE_NAME, default_cache_path  # noqa: F401 - re-exported
from ._common import EXIT_FINDINGS, EXIT_OK, WarnOnce, config_option, err, out
from ._network import Bounded, network_given, network_options  # noqa: F401 - Bounded re-exported
from ._output import color_option, print_findings, want_color
from .links_report import summary_line

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..document.model import Document
    from ..linkcheck import LinkCheckOptions, LinkResult
    from ..lint.diagnostic import Diagnostic


def online_options(
    config: Config,
    first_file: Path,
    *,
    timeout: float | None = None,
    max_concurrency: int | None = None,
    host_concurrency: int | None = None,
    host_interval_ms: float | None = None,
    allow_private: bool = False,
    cache: Path | None = None,
    no_cache: bool = False,
    max_cache_age: float | None = None,
    proxy: str | None = None,
    no_proxy: bool = False,
) -> LinkCheckOptions:
    """The checker's options: command-line flags over ``[tool.studylog-md.links]``.

    Proxies come from ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY`` unless
    ``no_proxy``; ``proxy`` replaces the first three (``NO_PROXY`` still applies).
    """
    from ..linkcheck import LinkCheckOptions
    from ..linkcheck.proxy import environment_proxies

    links = config.links
    defaults = LinkCheckOptions()
    cache_path: Path | None = None
    if not no_cache and links.cache_enabled:
        cache_path = cache or links.cache or default_cache_path(first_file)
    http_proxy, https_proxy, bypass = environment_proxies(os.environ)
    if proxy:
        http_proxy = https_proxy = proxy
    if no_proxy:
        http_proxy = https_proxy = None
    return LinkCheckOptions(
        timeout=timeout if timeout is not None else links.timeout,
        max_concurrency=max_concurrency or links.max_concurrency or defaults.max_concurrency,
        host_concurrency=host_concurrency or links.host_concurrency or defaults.host_concurrency,
        host_interval_ms=round(
            host_interval_ms if host_interval_ms is not None else links.host_interval * 1000
        ),
        allow_private=allow_private,
        cache_path=cache_path,
        max_cache_age=max_cache_age if max_cache_age is not None else links.max_cache_age,
        accept_status={host: sorted(codes) for host, codes in links.accept_status.items()},
        exclude=[pattern.pattern for pattern in links.exclude],
        headers={host: dict(values) for host, values in links.headers.items()},
        http_proxy=http_proxy,
        https_proxy=https_proxy,
        no_proxy=bypass,
    )


class Progress:
    """A progress bar with an ETA on stderr (click's), only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self._bar: Any = None
        self._done = 0

    def __call__(self, done: int, total: int, dead: int) -> None:
        if not self.enabled or total == 0:
            return
        if self._bar is None:
            self._bar = click.progressbar(
                length=total,
                label="Checking links",
                file=sys.stderr,
                show_eta=True,
                show_pos=True,
                width=24,
                item_show_func=lambda n: None if n is None else f"{n} dead",
            )
        self._bar.update(done - self._done, dead)
        self._done = done

    def close(self) -> None:
        """Finish the bar (it stays on screen, ending its line)."""
        if self._bar is not None:
            self._bar.render_finish()
            self._bar = None


@click.command("check-links")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Unverifiable links fail too.")
@network_options
@config_option
@color_option
def check_links_cmd(
    files: tuple[str, ...],
    fmt: str,
    strict: bool,
    network: dict[str, Any],
) -> int:
    """Check every http(s) link of FILES online (concurrent, polite, cached).

    Dead links (404, 410, no such host, redirect loops) fail; links a site would not let us
    look at (401, 403, 429, timeouts) are warnings unless --strict. Private and local
    addresses are never contacted unless --allow-private. Exit codes: 0 no dead links,
    1 dead links (or unverifiable ones with --strict), 2 unreadable input or bad options.
    --format markdown writes a report for $GITHUB_STEP_SUMMARY (a table of dead and
    unverifiable links per file). Proxies: HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.
    """
    from ..errors import StudylogError
    from ..lint.diagnostic import Severity
    from ..lint.online import check_documents, http_links
    from ._common import config_for, read_document
    from ._files import gather

    gathered = gather(files)
    code = gathered.code
    items = []
    for path in gathered.paths:
        try:
            items.append((read_document(path, keep=True), path))  # all kept to the end
        except StudylogError as exc:
            err(f"studylog-md: error: {printable(str(exc))}")
            code = max(code, exc.exit_code)
    if not items:
        return code
    # Each file is checked under its own nearest configuration (timeouts, accepted statuses,
    # excluded URLs, headers): files that share one are checked together, each URL once.
    groups: dict[object, list[tuple[Any, str]]] = {}
    configs: dict[object, Config] = {}
    for doc, path in items:
        try:
            config = config_for(path)
        except StudylogError as exc:
            err(f"studylog-md: error: {exc}")
            code = max(code, exc.exit_code)
            continue
        key = config.source
        configs.setdefault(key, config)
        groups.setdefault(key, []).append((doc, path))
    findings: dict[str, list[Any]] = {}
    results: dict[str, LinkResult] = {}
    warn = WarnOnce()
    progress = Progress()
    started = time.monotonic()
    try:
        for key, group in groups.items():
            first = Path(group[0][1]) if group[0][1] != "-" else Path.cwd() / "stdin.md"
            options = online_options(configs[key], first, **network)
            findings.update(
                check_documents(
                    group, options, strict=strict, progress=progress, warn=warn, results=results
                )
            )
    finally:
        progress.close()
    findings = {path: findings[path] for _doc, path in items if path in findings}
    seconds = time.monotonic() - started
    diagnostics = [d for path in findings for d in findings[path]]
    total = sum(len(http_links(doc)) for doc, _path in items)
    if fmt == "markdown":
        out(_markdown(items, findings, results, total, seconds), nl=False)
    else:
        _print(diagnostics, fmt)
    if fmt == "text":
        err(summary_line(results, total, len(items), seconds))
    failing = any(d.severity is Severity.ERROR for d in diagnostics)
    return max(code, EXIT_FINDINGS if failing else EXIT_OK)


def _markdown(
    items: list[tuple[Document, str]],
    findings: dict[str, list[Diagnostic]],
    results: dict[str, LinkResult],
    total: int,
    seconds: float,
) -> str:
    """The Markdown report: each dead or unverifiable finding joined to its link's verdict."""
    from ..linkcheck import redact
    from ..lint.online import http_links
    from .links_report import ReportRow, format_markdown

    rows: dict[str, list[ReportRow]] = {}
    for doc, path in items:
        at = {(link.line, link.column): link.url for link in http_links(doc)}
        file_rows = rows.setdefault(path, [])
        for finding in findings.get(path, []):
            if finding.rule not in ("dead-link", "unverifiable-link"):
                continue
            url = at.get((finding.line, finding.column))
            result = results.get(url) if url is not None else None
            if url is None or result is None:
                continue
            file_rows.append(ReportRow(finding.line, redact(url), result.verdict, result.detail))
    return format_markdown(rows, results, total, seconds)


def _print(diagnostics: list[Any], fmt: str) -> None:
    print_findings(diagnostics, fmt, color=fmt == "text" and want_color())
