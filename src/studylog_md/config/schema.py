"""Checking a ``[tool.studylog-md]`` table key by key; every mistake names the key and file."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..document.columns import ColumnNames
from ..errors import ConfigError
from ..linkcheck.numbers import describe
from ..linkcheck.settings import LinkSettings, TableReader
from ..safe_write import DEFAULT_MAX_BYTES
from .globs import GlobError, compile_glob
from .model import DEFAULT_INCLUDE, Config

# --- checking ------------------------------------------------------------------------------


class _Reader(TableReader):
    """Takes values out of one table, checking each; reports leftovers as unknown keys."""

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
            raise self.error(key, f"expected a list of strings, got {describe(value)}")
        for item in value:
            if not item.strip():
                raise self.error(key, "empty strings are not allowed")
        return tuple(value)

    def rule_list(self, key: str, value: Any) -> frozenset[str]:
        return frozenset(_rule_names(self.string_list(key, value), self, key))

    def positive_int(self, key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {describe(value)}")
        if value <= 0:
            raise self.error(key, f"must be greater than 0, got {value}")
        return value


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
    "extend-select",
    "ignore",
    "per-file-ignores",
    "done-markers",
    "todo-markers",
    "in-progress-markers",
    "duplicate-url-allow",
    "duplicate-title-scope",
    "columns",
    "max-bytes",
    "include",
    "exclude",
    "links",
)


def _build(table: Mapping[str, Any], source: Path, prefix: str) -> Config:
    reader = _Reader(table, source, prefix)
    select = reader.take("select", reader.rule_list, None)
    extend_select = reader.take("extend-select", reader.rule_list, frozenset())
    ignore = reader.take("ignore", reader.rule_list, frozenset())
    per_file = reader.take("per-file-ignores", lambda k, v: _per_file(reader, k, v), ())
    done = reader.take("done-markers", reader.string_list, ())
    todo = reader.take("todo-markers", reader.string_list, ())
    in_progress = reader.take("in-progress-markers", reader.string_list, ())
    allow = reader.take("duplicate-url-allow", reader.string_list, ())
    scope = reader.take("duplicate-title-scope", lambda k, v: _scope(reader, k, v), "section")
    columns = reader.take("columns", lambda k, v: _columns(reader, k, v), ())
    max_bytes = reader.take("max-bytes", reader.positive_int, DEFAULT_MAX_BYTES)
    include = reader.take("include", lambda k, v: _globs(reader, k, v), DEFAULT_INCLUDE)
    exclude = reader.take("exclude", lambda k, v: _globs(reader, k, v), ())
    links_table = reader.take("links", reader.sub_table, {})
    reader.finish(_TOP_KEYS)
    return Config(
        select=select,
        extend_select=extend_select,
        ignore=ignore,
        per_file_ignores=per_file,
        done_markers=done,
        todo_markers=todo,
        in_progress_markers=in_progress,
        duplicate_url_allow=allow,
        duplicate_title_scope=scope,
        columns=columns,
        max_bytes=max_bytes,
        links=LinkSettings.from_table(links_table, source, f"{prefix}links."),
        source=source,
        include=include,
        exclude=exclude,
    )


def _globs(reader: _Reader, key: str, value: Any) -> tuple[str, ...]:
    globs = reader.string_list(key, value)
    for glob in globs:
        try:
            compile_glob(glob)  # a bad pattern is reported now, not at the first walk
        except GlobError as exc:
            raise reader.error(key, str(exc)) from exc
    return globs


def _per_file(reader: _Reader, key: str, value: Any) -> tuple[tuple[str, frozenset[str]], ...]:
    table = reader.sub_table(key, value)
    inner = _Reader({}, reader.source, f"{reader.prefix}{key}.")
    result: list[tuple[str, frozenset[str]]] = []
    for glob, rules in table.items():
        if not glob.strip():
            raise reader.error(key, "an empty glob is not allowed")
        try:
            compile_glob(glob)  # a bad pattern is reported now, not at the first lint
        except GlobError as exc:
            raise inner.error(_quote_key(glob), str(exc)) from exc
        result.append((glob, inner.rule_list(_quote_key(glob), rules)))
    return tuple(result)


_ROLES = ("title", "status", "notes", "category")


def _scope(reader: _Reader, key: str, value: Any) -> str:
    if value not in ("section", "file"):
        raise reader.error(key, f'expected "section" or "file", got {describe(value)}')
    return str(value)


def _names(reader: _Reader, key: str, value: Any) -> tuple[str, ...]:
    """One header name or a list of them."""
    if isinstance(value, str):
        value = [value]
    return reader.string_list(key, value)


def _columns(reader: _Reader, key: str, value: Any) -> tuple[tuple[str | None, ColumnNames], ...]:
    """``[columns]``: role = header name(s); a sub-table per glob does the same for some files.

    ``(None, names)`` applies to every file; ``(glob, names)`` to the files the glob matches
    (relative to the configuration's folder, as in per-file-ignores), overriding the roles it
    names.
    """
    table = reader.sub_table(key, value)
    prefix = f"{reader.prefix}{key}."
    everywhere: dict[str, tuple[str, ...]] = {}
    result: list[tuple[str | None, ColumnNames]] = []
    for name, item in table.items():
        if isinstance(item, dict):
            if not name.strip():
                raise reader.error(key, "an empty glob is not allowed")
            try:
                compile_glob(name)  # a bad pattern is reported now, not at the first read
            except GlobError as exc:
                raise reader.error(f"{key}.{_quote_key(name)}", str(exc)) from exc
            inner = _Reader(item, reader.source, f"{prefix}{_quote_key(name)}.")
            roles: dict[str, tuple[str, ...]] = {}
            for role in _ROLES:
                if role in inner.table:
                    roles[role] = _names(inner, role, inner.table.pop(role))
            inner.finish(_ROLES)
            result.append((name, ColumnNames(**roles)))
        elif name in _ROLES:
            everywhere[name] = _names(_Reader({}, reader.source, prefix), name, item)
        else:
            close = _close_matches(name, _ROLES, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"{reader.source}: unknown key {prefix}{name}{hint}; known keys: "
                f"{', '.join(_ROLES)}, or a glob with a table of them"
            )
    if everywhere:
        result.insert(0, (None, ColumnNames(**everywhere)))
    return tuple(result)


def _quote_key(key: str) -> str:
    """A key as it would be written in a dotted TOML key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'


def _close_matches(word: str, possibilities: Sequence[str], n: int, cutoff: float) -> list[str]:
    import difflib  # only for the message of a mistake

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)
