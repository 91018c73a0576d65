"""What a link check is asked to do (:class:`LinkCheckOptions`) and what it found
(:class:`LinkResult`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import ConfigError

Verdict = Literal["ok", "dead", "unverifiable", "redirected", "skipped", "excluded"]

VERDICTS: tuple[Verdict, ...] = ("ok", "dead", "unverifiable", "redirected", "skipped", "excluded")


def _version() -> str:
    # The package's own constant: importlib.metadata costs ~15 ms of start-up (it pulls in
    # email and zipfile), paid by every check-links run.
    from .. import __version__

    return __version__


DEFAULT_USER_AGENT = (
    f"studylog-md/{_version()} (+link checker; https://pypi.org/project/studylog-md/)"
)


class LinkCheckConfigError(ConfigError):
    """The link-check options are invalid (a bad regex, a header that cannot be sent...)."""


@dataclass(slots=True, frozen=True)
class LinkCheckOptions:
    """How to check links; every field has a safe default (see docs/link-checking.md)."""

    timeout: float = 10.0
    """Seconds for connecting (TCP + TLS) and for each read; a link's total network time is
    bounded by three times this (waits asked for by ``Retry-After`` come on top)."""
    max_concurrency: int = 32
    """Requests in flight at once, over all hosts."""
    host_concurrency: int = 4
    """Requests in flight at once to one host."""
    host_interval_ms: int = 0
    """Minimum time between the starts of two requests to one host."""
    allow_private: bool = False
    """Contact loopback, private, link-local... addresses too (tests, intranets)."""
    max_redirects: int = 5
    retries: int = 2
    """Further tries after a connection error, a timeout, a 5xx or a 429."""
    retry_backoff: float = 0.5
    """Seconds before the first retry; doubled for each further one, plus up to 50% jitter."""
    retry_after_cap: float = 30.0
    """The longest ``Retry-After`` wait honoured (seconds)."""
    retry_after_host_budget: float = 60.0
    """The most seconds one host may make us wait with ``Retry-After`` in one run; then its
    links left are ``unverifiable`` without being requested."""
    retry_after_run_budget: float = 120.0
    """The most seconds all hosts together may make us wait with ``Retry-After``."""
    cache_path: Path | None = None
    """An SQLite file remembering settled verdicts across runs; ``None``: no cache."""
    max_cache_age: float = 86400.0
    """Seconds a cached verdict stays valid."""
    accept_status: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Host -> extra status codes that mean "ok" there; ``*.example.com`` for sub-domains,
    ``"*"`` for every host."""
    exclude: Sequence[str] = ()
    """Regular expressions (searched in the URL); matching links are never requested."""
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Host -> extra request headers, sent over https only and to that host only;
    ``${ENV_VAR}`` in a value is read from the environment, ``$$`` is a literal ``$``. A link
    whose host needs a variable that is not set is ``unverifiable``."""
    user_agent: str = DEFAULT_USER_AGENT
    http_proxy: str | None = None
    """``http://host:port`` for plain http links (sent in absolute form); ``None``: direct.
    The library never reads the environment itself: the CLI passes ``HTTP_PROXY`` here."""
    https_proxy: str | None = None
    """``http://host:port`` through which https links are tunnelled (``CONNECT``)."""
    no_proxy: Sequence[str] = ()
    """Hosts reached directly although a proxy is set: ``NO_PROXY`` entries (domains with
    their sub-domains, IP addresses or CIDR ranges, ``*``)."""


@dataclass(slots=True, frozen=True)
class LinkResult:
    """The verdict on one link."""

    url: str
    """The URL as given (may contain credentials: show :func:`redact` of it)."""
    verdict: Verdict
    status: int | None
    """The HTTP status that decided the verdict, if there was one."""
    detail: str
    """One line for people; credentials in URLs redacted."""
    final_url: str | None = None
    """For ``redirected``: where the permanent redirects lead (redacted)."""
    from_cache: bool = False


def compile_excludes(patterns: Sequence[str]) -> list[re.Pattern[str]]:
    """The exclude patterns compiled; raises :class:`LinkCheckConfigError` for a bad one."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise LinkCheckConfigError(
                f"links.exclude: bad regular expression {pattern!r}: {exc}"
            ) from None
    return compiled


def validate(options: LinkCheckOptions) -> None:
    """Raise :class:`LinkCheckConfigError` for numbers out of their bounds (the same check
    as the command line's and the configuration file's, see ``numbers.py``)."""
    from .numbers import BOUNDS, NumberError, check_number

    for name in BOUNDS:
        field_name, scale = ("host_interval_ms", 1000) if name == "host_interval" else (name, 1)
        try:
            check_number(name, getattr(options, field_name), scale=scale)
        except NumberError as exc:
            raise LinkCheckConfigError(f"link check: {field_name}: {exc}") from None
    for host, codes in options.accept_status.items():
        for code in codes:
            if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 999:
                raise LinkCheckConfigError(
                    f"links.accept-status: {host}: {code!r} is not an HTTP status code"
                )
