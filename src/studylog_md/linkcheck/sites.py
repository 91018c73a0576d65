"""Per-site settings: which statuses a host may answer, and which headers it gets.

Host keys are an exact name (case-insensitive), or ``*.example.com`` for every sub-domain of
``example.com`` (not ``example.com`` itself). For ``accept_status`` the key ``"*"`` means
every host; headers (tokens) can never be configured for every host. Keys and headers are
checked by ``settings.py``, the same functions the configuration file is read with.

Header values may use ``${NAME}`` (an environment variable) and ``$$`` (a literal ``$``).
Variables are read when a request to that host is about to be made, so a token that is not
set only affects the links of its host: they are reported ``unverifiable`` with a detail
naming the variable, rather than being checked without the token (a private repository
would then look dead).

Header values are secrets (tokens). A server can reflect one in its status line or a
``Location``, so every text of a result is scrubbed of them (:func:`scrub`) before it is
cached or shown.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping
from urllib.parse import quote, quote_plus

from .options import LinkCheckConfigError
from .settings import ENV_REF as _ENV_REF
from .settings import LinkSettings, header_problem, host_key_problem

# Shorter values are not treated as secrets: replacing "json" or "1" in every message would
# garble it, and no token is that short.
MIN_SECRET = 6
REDACTED = "***"
# Header names that carry credentials even when their value is written in the file itself.
_CREDENTIAL_NAME = re.compile(r"auth|cookie|token|key|secret|session|pass|signature", re.I)


class MissingVariable(Exception):
    """A header for a host needs an environment variable that is not set (or is empty)."""

    def __init__(self, host_key: str, header: str, variable: str) -> None:
        super().__init__(
            f"the {header} header configured for {host_key} uses ${{{variable}}}, which is not set"
        )


def host_matches(pattern: str, host: str) -> bool:
    """Whether the host key ``pattern`` applies to ``host``."""
    host = host.lower().rstrip(".")
    pattern = pattern.strip().lower()
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


class Sites:
    """Accepted statuses and headers per host, validated once."""

    def __init__(
        self,
        accept_status: Mapping[str, Collection[int]],
        headers: Mapping[str, Mapping[str, str]],
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._environ = os.environ if environ is None else environ
        self._accept = [
            (key.strip().lower(), frozenset(codes)) for key, codes in accept_status.items()
        ]
        # Less specific first, so that an exact host overrides a "*." pattern.
        ordered = sorted(headers.items(), key=lambda kv: (not kv[0].startswith("*."), len(kv[0])))
        self._headers: list[tuple[str, dict[str, str]]] = []
        for key, values in ordered:
            key = key.strip().lower()
            problem = host_key_problem(key, every_host=False)
            if problem is not None:
                raise LinkCheckConfigError(f"links.headers: {problem}")
            for name, raw in values.items():
                problem = header_problem(name, raw)
                if problem is not None:
                    raise LinkCheckConfigError(f"links.headers: {key}: {problem}")
            self._headers.append((key, dict(values)))

    @classmethod
    def of(cls, settings: LinkSettings, environ: Mapping[str, str] | None = None) -> Sites:
        """The per-site part of a configuration's ``links`` table (``${NAME}`` read from
        ``environ``, the process environment by default)."""
        return cls(settings.accept_status, settings.headers, environ)

    def accepted(self, host: str, status: int | None) -> bool:
        """Whether ``status`` counts as "ok" for ``host``."""
        if status is None:
            return False
        return any(
            status in codes for key, codes in self._accept if key == "*" or host_matches(key, host)
        )

    def header_names(self, host: str) -> list[str]:
        """The names of the headers configured for ``host`` (lower case, sorted)."""
        names = {
            name.lower()
            for key, values in self._headers
            if host_matches(key, host)
            for name in values
        }
        return sorted(names)

    def headers_for(self, host: str) -> dict[str, str]:
        """The headers for ``host``, variables expanded; raises :class:`MissingVariable`."""
        result: dict[str, str] = {}
        for key, values in self._headers:
            if not host_matches(key, host):
                continue
            for name, raw in values.items():
                value = _expand(key, name, raw, self._environ)
                if any(c in value for c in "\r\n\0"):
                    # Only possible through the environment: a literal was checked up front.
                    raise LinkCheckConfigError(
                        f"links.headers: {key}: the value of {name!r} contains a line break"
                    )
                result[name] = value
        return result

    def secrets(self) -> tuple[str, ...]:
        """What must never be printed or cached, longest first: each variable's value, and
        the whole value and last word (the credential of ``Bearer <token>``) of every header
        that uses a variable or whose name says it carries a credential. Plain settings such
        as ``Accept: text/html`` are not secrets (scrubbing them would garble messages).
        Headers whose variables are not set are skipped: they are never sent."""
        found: set[str] = set()
        for key, values in self._headers:
            for name, raw in values.items():
                variables = [m.group(1) for m in _ENV_REF.finditer(raw) if m.group(1)]
                found.update(self._environ[v] for v in variables if self._environ.get(v))
                if not variables and not _CREDENTIAL_NAME.search(name):
                    continue
                try:
                    value = _expand(key, name, raw, self._environ)
                except MissingVariable:
                    continue
                found.add(value)
                words = value.split()
                if words:
                    found.add(words[-1])
        return tuple(sorted((s for s in found if len(s) >= MIN_SECRET), key=len, reverse=True))


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (as it is, and percent-encoded) replaced by ``***``."""
    for secret in secrets:
        forms = (secret, quote(secret, safe=""), quote(secret), quote_plus(secret))
        for form in dict.fromkeys(forms):
            if form in text:
                text = text.replace(form, REDACTED)
    return text


def _expand(key: str, name: str, raw: str, environ: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        variable = match.group(1)
        value = environ.get(variable, "")
        if not value:
            # Empty counts as unset: GitHub Actions gives forks empty secrets.
            raise MissingVariable(key, name, variable)
        return value

    return _ENV_REF.sub(replace, raw)
