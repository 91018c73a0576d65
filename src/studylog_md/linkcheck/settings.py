"""The ``links`` table of a configuration file, checked once: :class:`LinkSettings`.

This is the one model of the link settings. The configuration reader hands it the TOML table
(:meth:`LinkSettings.from_table`); the checker gets its per-site part through
:class:`~studylog_md.linkcheck.sites.Sites`, which checks host keys and headers with the same
functions (:func:`host_key_problem`, :func:`header_problem`), so a setting the file accepts is
one the checker accepts, and the other way round.

Standard library only (plus ``numbers.py``): every command reads the configuration, and the
checker's modules cost ~70 ms to import.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import ConfigError
from .numbers import NumberError, describe, parse_duration

__all__ = ["LINK_KEYS", "LinkSettings", "header_problem", "host_key_problem"]

LINK_KEYS = (
    "timeout",
    "max-concurrency",
    "host-concurrency",
    "host-interval",
    "max-cache-age",
    "cache",
    "accept-status",
    "exclude",
    "headers",
)
# "$$" is a literal "$", "${NAME}" a variable; any other "${" is a mistake. A lone "$" is
# literal, since tokens may contain one.
ENV_REF = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{[^}]*\}?")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HOST = re.compile(r"[A-Za-z0-9._:\[\]-]+")
# Headers the client manages itself; letting configuration set them could break framing.
RESERVED_HEADERS = frozenset(
    {"host", "connection", "content-length", "transfer-encoding", "te", "upgrade"}
)
_EMPTY: Mapping[str, Any] = MappingProxyType({})


def host_key_problem(key: str, *, every_host: bool) -> str | None:
    """Why ``key`` cannot be a host key, or ``None``. ``every_host``: ``"*"`` is allowed
    (``accept-status``; never for headers, which carry tokens)."""
    if key.strip() == "*":
        return None if every_host else "headers (tokens) cannot be configured for every host"
    bare = key[2:] if key.startswith("*.") else key
    if not bare or not _HOST.fullmatch(bare) or "*" in bare:
        star = ", '*.example.com'" + (" or '*'" if every_host else "")
        return f"{key!r} is not a host name (write 'example.com'{star})"
    return None


def header_problem(name: str, raw: object) -> str | None:
    """Why header ``name: raw`` cannot be configured, or ``None``."""
    if not _TOKEN.fullmatch(name):
        return f"{name!r} is not a valid HTTP header name"
    if name.lower() in RESERVED_HEADERS:
        return f"cannot send header {name!r}: the checker sets it itself"
    if not isinstance(raw, str):
        return f"expected a string, got {describe(raw)}"
    if any(c in raw for c in "\r\n\0"):
        return f"the value of {name!r} contains a line break"
    for match in ENV_REF.finditer(raw):
        if match.group(0) != "$$" and match.group(1) is None:
            return (
                f"{match.group(0)!r} in {name!r} is not a variable reference "
                "(write ${NAME}, or $$ for a literal $)"
            )
    return None


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """The checked ``links`` table; every field has the checker's default.

    Host keys (``accept_status``, ``headers``) are lower case; ``*.example.com`` matches every
    sub-domain of ``example.com`` but not ``example.com`` itself; in ``accept_status``
    ``"*"`` matches every host.
    """

    timeout: float = 10.0
    max_concurrency: int = 32
    host_concurrency: int = 4
    host_interval: float = 0.0  # seconds
    max_cache_age: float = 86400.0
    cache: Path | None = None  # None: the command's default path
    cache_enabled: bool = True  # ``cache = false``
    accept_status: Mapping[str, frozenset[int]] = field(default_factory=lambda: _EMPTY)
    exclude: tuple[re.Pattern[str], ...] = ()
    headers: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: _EMPTY)
    source: Path | None = None  # the file these settings came from

    @classmethod
    def from_table(cls, table: Mapping[str, Any], source: Path, prefix: str) -> LinkSettings:
        """Check the TOML table ``links`` of ``source``; ``prefix`` is the dotted path of its
        keys in the file (``"tool.studylog-md.links."``). Raises :class:`ConfigError` naming
        the file and the key."""
        reader = _Table(table, source, prefix)
        defaults = cls()
        settings = cls(
            timeout=reader.number("timeout", defaults.timeout),
            max_concurrency=int(reader.number("max-concurrency", defaults.max_concurrency)),
            host_concurrency=int(reader.number("host-concurrency", defaults.host_concurrency)),
            host_interval=reader.number("host-interval", defaults.host_interval),
            max_cache_age=reader.number("max-cache-age", defaults.max_cache_age),
            **reader.cache(),
            accept_status=reader.accept_status(),
            exclude=reader.exclude(),
            headers=reader.headers(),
            source=source,
        )
        reader.finish()
        return settings


class TableReader:
    """Takes keys out of one TOML table; every mistake names the file and the dotted key.

    The base of both readers: this module's ``links`` table and the rest of the configuration
    (``config/schema.py``), which sits above the link checker and so can build on it.
    """

    def __init__(self, table: Mapping[str, Any], source: Path, prefix: str) -> None:
        self.table = dict(table)
        self.source = source
        self.prefix = prefix

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {self.prefix}{key}: {message}")

    def sub_table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {describe(value)}")
        return value


class _Table(TableReader):
    """Takes the keys out of one ``links`` table, checking each."""

    def number(self, key: str, default: float) -> float:
        if key not in self.table:
            return default
        try:
            return parse_duration(key.replace("-", "_"), self.table.pop(key))
        except NumberError as exc:
            raise self.error(key, str(exc)) from None

    def cache(self) -> dict[str, Any]:
        if "cache" not in self.table:
            return {}
        value = self.table.pop("cache")
        if value is False:
            return {"cache_enabled": False}
        if value is True:
            return {}
        if not isinstance(value, str) or not value.strip():
            raise self.error("cache", f"expected a path or false, got {describe(value)}")
        # Relative to the configuration file, so the result does not depend on the folder the
        # command is run from.
        path = self.source.parent / os.path.expanduser(value)
        root = _repository_root(self.source.parent)
        real, real_root = Path(os.path.realpath(path)), Path(os.path.realpath(root))
        if real != real_root and real_root not in real.parents:
            # A repository under review must not make us write outside it (issue 17, item 2).
            raise self.error(
                "cache",
                f"{value!r} is outside the repository ({root}); a configuration file may "
                "only place the cache inside its repository: pass --cache to use that path",
            )
        return {"cache": path}

    def accept_status(self) -> Mapping[str, frozenset[int]]:
        if "accept-status" not in self.table:
            return _EMPTY
        key = "accept-status"
        result: dict[str, frozenset[int]] = {}
        for host, statuses in self.sub_table(key, self.table.pop(key)).items():
            problem = host_key_problem(host, every_host=True)
            if problem is not None:
                raise self.error(key, problem)
            where = f"{key}.{_quote_key(host)}"
            if not isinstance(statuses, list) or not all(
                isinstance(s, int) and not isinstance(s, bool) for s in statuses
            ):
                raise self.error(
                    where, f"expected a list of status codes, got {describe(statuses)}"
                )
            for status in statuses:
                # 999 is real: LinkedIn answers it to clients it takes for robots.
                if not 100 <= status <= 999:
                    raise self.error(where, f"{status} is not an HTTP status code (100-999)")
            result[host.strip().lower()] = frozenset(statuses)
        return MappingProxyType(result)

    def exclude(self) -> tuple[re.Pattern[str], ...]:
        if "exclude" not in self.table:
            return ()
        value = self.table.pop("exclude")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error("exclude", f"expected a list of strings, got {describe(value)}")
        patterns: list[re.Pattern[str]] = []
        for item in value:
            if not item.strip():
                raise self.error("exclude", "empty strings are not allowed")
            try:
                patterns.append(re.compile(item))
            except re.error as exc:
                raise self.error("exclude", f"invalid regular expression {item!r}: {exc}") from None
        return tuple(patterns)

    def headers(self) -> Mapping[str, Mapping[str, str]]:
        if "headers" not in self.table:
            return _EMPTY
        key = "headers"
        result: dict[str, Mapping[str, str]] = {}
        for host, fields in self.sub_table(key, self.table.pop(key)).items():
            problem = host_key_problem(host, every_host=False)
            if problem is not None:
                raise self.error(key, problem)
            where = f"{key}.{_quote_key(host)}"
            values: dict[str, str] = {}
            for name, text in self.sub_table(where, fields).items():
                problem = header_problem(name, text)
                if problem is not None:
                    raise self.error(f"{where}.{_quote_key(name)}", problem)
                values[name] = text
            result[host.strip().lower()] = MappingProxyType(values)
        return MappingProxyType(result)

    def finish(self) -> None:
        for key in self.table:
            import difflib  # only for the message of a mistake

            close = difflib.get_close_matches(key, LINK_KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{self.source}: unknown key {self.prefix}{key}{hint}; "
                f"known keys: {', '.join(LINK_KEYS)}"
            )


def _repository_root(folder: Path) -> Path:
    """The nearest folder at or above ``folder`` holding ``.git``; ``folder`` without one."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _quote_key(key: str) -> str:
    """A key as it would be written in a dotted TOML key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'
