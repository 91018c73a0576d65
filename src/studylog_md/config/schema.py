"""Checking a ``[tool.studylog-md]`` table key by key; every mistake names the key and file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..safe_write import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # pragma: no cover
    pass

from .globs import _glob_regex
from .model import _DURATION, _DURATION_UNITS, _EMPTY_HOST_MAP, _ENV_REF, Config, LinksConfig

# --- checking ------------------------------------------------------------------------------


class _Reader:
    """Takes values out of one table, checking each; reports leftovers as unknown keys."""

    def __init__(self, table: Mapping[str, Any], source: Path, prefix: str) -> None:
        self.table = dict(table)
        self.source = source
        self.prefix = prefix

    def error(self, key: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {self.prefix}{key}: {message}")

    def take(self, key: str, check: Callable[[str, Any], Any], default: Any) -> Any:
        if key not in self.table:
            return default
        return check(key, self.table.pop(key))

    def finish(self, known: tuple[str, ...]) -> None:
        for key in self.table:
            close = _close_matches(key, known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{self.source}: unknown key {self.prefix}{key}{hint}; "
                f"known keys: {', '.join(known)}"
            )

    # -- value checkers: each returns the checked value or raises naming the key --

    def string_list(self, key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"expected a list of strings, got {_describe(value)}")
        for item in value:
            if not item.strip():
                raise self.error(key, "empty strings are not allowed")
        return tuple(value)

    def rule_list(self, key: str, value: Any) -> frozenset[str]:
        return frozenset(_rule_names(self.string_list(key, value), self, key))

    def positive_int(self, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {_describe(value)}")
        if value <= 0:
            raise self.error(key, f"must be greater than 0, got {value}")
        return value

    def positive_number(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"expected a number of seconds, got {_describe(value)}")
        if not value > 0 or value == float("inf"):
            raise self.error(key, f"must be a positive number, got {value}")
        return float(value)

    def non_negative_number(self, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"expected a number of seconds, got {_describe(value)}")
        if not value >= 0 or value == float("inf"):
            raise self.error(key, f"must be 0 or more, got {value}")
        return float(value)

    def duration(self, key: str, value: Any) -> float:
        if isinstance(value, str):
            match = re.match(_DURATION, value)
            if match is None:
                raise self.error(
                    key, f"expected seconds or a duration such as '12h' or '7d', got {value!r}"
                )
            return float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        return self.non_negative_number(key, value)

    def sub_table(self, key: str, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(key, f"expected a table, got {_describe(value)}")
        return value


def _describe(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    kind = kinds.get(type(value))
    if kind is not None:
        return f"{kind} ({value!r})"
    if isinstance(value, list):
        return "a list with a non-string item" if value else "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _rule_names(keys: tuple[str, ...], reader: _Reader, key: str) -> list[str]:
    """Canonical rule names for names or codes; an unknown one is an error naming it."""
    from ..lint.registry import rule_name, unknown_rule_message

    names: list[str] = []
    for item in keys:
        name = rule_name(item)
        if name is None:
            raise reader.error(key, unknown_rule_message(item))
        names.append(name)
    return names


_TOP_KEYS = (
    "select",
    "ignore",
    "per-file-ignores",
    "done-markers",
    "todo-markers",
    "in-progress-markers",
    "duplicate-url-allow",
    "max-bytes",
    "links",
)
_LINK_KEYS = (
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


def _build(table: Mapping[str, Any], source: Path, prefix: str) -> Config:
    reader = _Reader(table, source, prefix)
    select = reader.take("select", reader.rule_list, None)
    ignore = reader.take("ignore", reader.rule_list, frozenset())
    per_file = reader.take("per-file-ignores", lambda k, v: _per_file(reader, k, v), ())
    done = reader.take("done-markers", reader.string_list, ())
    todo = reader.take("todo-markers", reader.string_list, ())
    in_progress = reader.take("in-progress-markers", reader.string_list, ())
    allow = reader.take("duplicate-url-allow", reader.string_list, ())
    max_bytes = reader.take("max-bytes", reader.positive_int, DEFAULT_MAX_BYTES)
    links_table = reader.take("links", reader.sub_table, {})
    reader.finish(_TOP_KEYS)
    return Config(
        select=select,
        ignore=ignore,
        per_file_ignores=per_file,
        done_markers=done,
        todo_markers=todo,
        in_progress_markers=in_progress,
        duplicate_url_allow=allow,
        max_bytes=max_bytes,
        links=_links(links_table, source, f"{prefix}links."),
        source=source,
    )


def _per_file(reader: _Reader, key: str, value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    table = reader.sub_table(key, value)
    inner = _Reader({}, reader.source, f"{reader.prefix}{key}.")
    result: list[tuple[str, frozenset[str]]] = []
    for glob, rules in table.items():
        if not glob.strip():
            raise reader.error(key, "an empty glob is not allowed")
        _glob_regex(glob)  # a bad pattern is reported now, not at the first lint
        result.append((glob, inner.rule_list(_quote_key(glob), rules)))
    return tuple(result)


def _links(table: Mapping[str, Any], source: Path, prefix: str) -> LinksConfig:
    reader = _Reader(table, source, prefix)
    defaults = LinksConfig()
    timeout = reader.take("timeout", reader.positive_number, defaults.timeout)
    max_concurrency = reader.take("max-concurrency", reader.positive_int, defaults.max_concurrency)
    host_concurrency = reader.take(
        "host-concurrency", reader.positive_int, defaults.host_concurrency
    )
    host_interval = reader.take("host-interval", reader.non_negative_number, defaults.host_interval)
    max_cache_age = reader.take("max-cache-age", reader.duration, defaults.max_cache_age)
    cache = reader.take("cache", lambda k, v: _cache(reader, k, v), (None, True))
    accept = reader.take("accept-status", lambda k, v: _accept(reader, k, v), _EMPTY_HOST_MAP)
    exclude = reader.take("exclude", lambda k, v: _exclude(reader, k, v), ())
    headers = reader.take("headers", lambda k, v: _headers(reader, k, v), _EMPTY_HOST_MAP)
    reader.finish(_LINK_KEYS)
    return LinksConfig(
        timeout=timeout,
        max_concurrency=max_concurrency,
        host_concurrency=host_concurrency,
        host_interval=host_interval,
        max_cache_age=max_cache_age,
        cache=cache[0],
        cache_enabled=cache[1],
        accept_status=accept,
        exclude=exclude,
        headers=headers,
        source=source,
    )


def _cache(reader: _Reader, key: str, value: Any) -> tuple[Path | None, bool]:
    if value is False:
        return None, False
    if value is True:
        return None, True
    if isinstance(value, str) and value.strip():
        path = Path(os.path.expanduser(value))
        # Relative to the configuration file, so the result does not depend on the folder the
        # command is run from.
        return (path if path.is_absolute() else reader.source.parent / path), True
    raise reader.error(key, f"expected a path or false, got {_describe(value)}")


def _host_key(reader: _Reader, key: str, host: str) -> str:
    bare = host[2:] if host.startswith("*.") else host
    if not bare or not re.fullmatch(r"[A-Za-z0-9._:\[\]-]+", bare) or "*" in bare:
        raise reader.error(
            key, f"{host!r} is not a host name (write 'example.com' or '*.example.com')"
        )
    return host.lower()


def _accept(reader: _Reader, key: str, value: Any) -> Mapping[str, frozenset[int]]:
    table = reader.sub_table(key, value)
    result: dict[str, frozenset[int]] = {}
    for host, statuses in table.items():
        where = f"{key}.{_quote_key(host)}"
        host_key = _host_key(reader, key, host)
        if not isinstance(statuses, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in statuses
        ):
            raise reader.error(where, f"expected a list of status codes, got {_describe(statuses)}")
        for status in statuses:
            # 999 is real: LinkedIn answers it to clients it takes for robots.
            if not 100 <= status <= 999:
                raise reader.error(where, f"{status} is not an HTTP status code (100-999)")
        result[host_key] = frozenset(statuses)
    return MappingProxyType(result)


def _exclude(reader: _Reader, key: str, value: Any) -> tuple[re.Pattern[str], ...]:
    patterns: list[re.Pattern[str]] = []
    for item in reader.string_list(key, value):
        try:
            patterns.append(re.compile(item))
        except re.error as exc:
            raise reader.error(key, f"invalid regular expression {item!r}: {exc}") from exc
    return tuple(patterns)


def _headers(reader: _Reader, key: str, value: Any) -> Mapping[str, Mapping[str, str]]:
    table = reader.sub_table(key, value)
    result: dict[str, Mapping[str, str]] = {}
    for host, fields in table.items():
        where = f"{key}.{_quote_key(host)}"
        host_key = _host_key(reader, key, host)
        checked = reader.sub_table(where, fields)
        headers: dict[str, str] = {}
        for name, text in checked.items():
            field_key = f"{where}.{_quote_key(name)}"
            if not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
                raise reader.error(field_key, f"{name!r} is not a valid HTTP header name")
            if not isinstance(text, str):
                raise reader.error(field_key, f"expected a string, got {_describe(text)}")
            if "\r" in text or "\n" in text:
                raise reader.error(field_key, "a header value cannot contain a line break")
            _check_references(text, reader, field_key)
            headers[name] = text
        result[host_key] = MappingProxyType(headers)
    return MappingProxyType(result)


def _check_references(text: str, reader: _Reader, key: str) -> None:
    for match in re.finditer(_ENV_REF, text):
        if match.group(0) != "$$" and match.group(1) is None:
            raise reader.error(
                key, f"{match.group(0)!r} is not a variable reference; write ${{NAME}} or $$"
            )


def _quote_key(key: str) -> str:
    """A key as it would be written in a dotted TOML key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'


def _close_matches(word: str, possibilities: Sequence[str], n: int, cutoff: float) -> list[str]:
    import difflib  # only for the message of a mistake

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)
