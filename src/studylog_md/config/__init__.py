"""Project configuration: ``[tool.studylog-md]`` in ``pyproject.toml`` or ``.studylog-md.toml``.

The configuration that applies to a file is the nearest one found walking up from the file's
folder. The walk stops at the first folder that holds ``.git`` (the repository root, which is
still searched) or at the file system root. In each folder ``.studylog-md.toml`` (top-level
keys) wins over ``pyproject.toml``; a ``pyproject.toml`` without a ``[tool.studylog-md]`` table
does not count, so a sub-package's ``pyproject.toml`` does not hide the repository's settings.

Everything is checked when the file is read: an unknown key (at any level), a value of the
wrong type and an unknown rule name are a :class:`~studylog_md.errors.ConfigError` that names
the key and the file, so a typo never silently turns a rule off. See ``docs/configuration.md``.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import ConfigError
from ..safe_write import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # pragma: no cover
    from ..document.markers import Vocabulary
    from ..lint.options import LintOptions

__all__ = [
    "CONFIG_FILE",
    "PYPROJECT",
    "Config",
    "LinksConfig",
    "clear_cache",
    "find_config_file",
    "load_config",
    "load_config_file",
]

CONFIG_FILE = ".studylog-md.toml"
PYPROJECT = "pyproject.toml"
_TABLE = ("tool", "studylog-md")

_EMPTY_HOST_MAP: Mapping[str, Any] = MappingProxyType({})
# "$$" is a literal "$", "${NAME}" a variable; any other "${" is a mistake. A lone "$" is
# literal, since tokens may contain one.
# Pattern strings, not compiled patterns: few configurations use them, and ``re`` compiles and
# caches them the first time they are used.
_ENV_REF = r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{[^}]*\}?"
_DURATION = r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$"
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class LinksConfig(NamedTuple):
    """Settings of online link checking (the ``links`` sub-table).

    Host keys (``accept-status``, ``headers``) are lower-case host names; ``*.example.com``
    matches every sub-domain of ``example.com`` but not ``example.com`` itself.
    """

    timeout: float = 10.0  # seconds per request
    max_concurrency: int = 32  # requests in flight, all hosts together
    host_concurrency: int = 4  # requests in flight to one host
    host_interval: float = 0.0  # seconds between two requests to the same host (0: none;
    # the per-host limit and the 429 back-off carry politeness)
    max_cache_age: float = 86400.0  # seconds a cached result is trusted
    cache: Path | None = None  # where the cache lives; None: the checker's default
    cache_enabled: bool = True  # ``cache = false`` turns the cache off
    accept_status: Mapping[str, frozenset[int]] = _EMPTY_HOST_MAP
    exclude: tuple[re.Pattern[str], ...] = ()
    headers: Mapping[str, Mapping[str, str]] = _EMPTY_HOST_MAP
    source: Path | None = None  # the file these settings came from (for error messages)

    def is_excluded(self, url: str) -> bool:
        """True when ``url`` matches one of the ``exclude`` regular expressions (``search``)."""
        return any(pattern.search(url) for pattern in self.exclude)

    def accepted_statuses(self, host: str) -> frozenset[int]:
        """Extra HTTP status codes that count as "link OK" for ``host``."""
        found: frozenset[int] = frozenset()
        for key, statuses in self.accept_status.items():
            if _host_matches(key, host):
                found |= statuses
        return found

    def headers_for(self, host: str, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The extra request headers for ``host``, with ``${NAME}`` taken from ``env``.

        Expanded only here, when a request is about to be made, so that a token that is not
        set does not break offline commands. Raises :class:`ConfigError` naming the variable
        when it is not set. ``$$`` stands for a literal ``$``.
        """
        environ: Mapping[str, str] = os.environ if env is None else env
        result: dict[str, str] = {}
        # Less specific first, so that an exact host overrides a ``*.`` pattern.
        for key in sorted(self.headers, key=lambda k: (not k.startswith("*."), len(k))):
            if not _host_matches(key, host):
                continue
            for name, value in self.headers[key].items():
                result[name] = _expand(value, environ, f"links.headers.{key}.{name}", self.source)
        return result


class Config(NamedTuple):
    """The settings that apply to one folder's files; defaults when no file is found.

    ``select`` and ``ignore`` hold canonical rule names. ``per_file_ignores`` maps a glob
    (relative to the configuration file's folder; a glob without ``/`` matches a file name in
    any folder; ``**`` crosses folders) to rule names.
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    done_markers: tuple[str, ...] = ()
    todo_markers: tuple[str, ...] = ()
    in_progress_markers: tuple[str, ...] = ()
    duplicate_url_allow: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    links: LinksConfig = LinksConfig()
    source: Path | None = None

    @property
    def root(self) -> Path | None:
        """The folder per-file-ignores globs are relative to (the configuration's folder)."""
        return self.source.parent if self.source is not None else None

    def vocabulary(self) -> Vocabulary:
        """The default status markers plus this project's extra spellings."""
        from ..document.markers import DEFAULT_VOCABULARY, Vocabulary

        if not (self.done_markers or self.todo_markers or self.in_progress_markers):
            return DEFAULT_VOCABULARY
        return Vocabulary.with_extra(
            done=self.done_markers, todo=self.todo_markers, in_progress=self.in_progress_markers
        )

    def ignored_for(self, path: Path) -> frozenset[str]:
        """``ignore`` plus the per-file-ignores whose glob matches ``path``."""
        if not self.per_file_ignores:
            return self.ignore
        relative = _relative_posix(path, self.root)
        extra: set[str] = set()
        for glob, rules in self.per_file_ignores:
            if _glob_regex(glob).match(relative):
                extra |= rules
        return self.ignore | extra

    def lint_options(self, path: Path) -> LintOptions:
        """The engine's options for ``path`` (per-file-ignores applied)."""
        from ..lint.options import LintOptions

        # repo_root stays None: the engine finds the nearest ``.git`` above the file itself.
        return LintOptions(
            select=self.select,
            ignore=self.ignored_for(path),
            duplicate_url_allow=self.duplicate_url_allow,
        )


# --- finding and caching -------------------------------------------------------------------

_file_cache: dict[tuple[Path, int, int], Config] = {}


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """The configuration for files in the folder ``start`` (or the file ``explicit``).

    ``start`` may also be a file; its folder is used. Results are cached per folder and per
    configuration file (a file is read again when it changes on disk). Raises
    :class:`ConfigError` for an invalid or unreadable configuration.
    """
    if explicit is not None:
        return load_config_file(explicit, explicit=True)
    folder = start if start.is_dir() else start.parent
    found = find_config_file(folder)
    if found is None:
        return Config()
    return load_config_file(found)


def find_config_file(folder: Path) -> Path | None:
    """The nearest ``.studylog-md.toml`` or ``pyproject.toml`` with our table, or None."""
    return _find_config_file(_absolute(folder))


@functools.lru_cache(maxsize=256)
def _find_config_file(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and _has_our_table(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def clear_cache() -> None:
    """Forget every configuration found and read (for long-running processes and tests)."""
    _file_cache.clear()
    _find_config_file.cache_clear()
    _has_our_table.cache_clear()


def load_config_file(path: Path, *, explicit: bool = False) -> Config:
    """Read and check one configuration file.

    A ``pyproject.toml`` is read from its ``[tool.studylog-md]`` table, any other file from
    its top-level keys. With ``explicit`` (``--config``), a ``pyproject.toml`` without the
    table is an error rather than an empty configuration.
    """
    path = _absolute(path)
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such configuration file; check the --config path") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror or exc}") from exc
    key = (path, st.st_mtime_ns, st.st_size)
    cached = _file_cache.get(key)
    if cached is not None:
        return cached
    document = _read_toml(path)
    if path.name == PYPROJECT:
        table = document.get("tool", {}).get("studylog-md") if _is_table(document) else None
        if table is None:
            if explicit:
                raise ConfigError(f"{path} has no [tool.studylog-md] table")
            table = {}
        prefix = "tool.studylog-md."
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.studylog-md must be a table")
    else:
        table, prefix = document, ""
    config = _build(table, path, prefix)
    _file_cache[key] = config
    return config


def _is_table(document: object) -> bool:
    return isinstance(document, dict) and isinstance(document.get("tool", {}), dict)


@functools.lru_cache(maxsize=256)
def _has_our_table(pyproject: Path) -> bool:
    # Most projects have a pyproject.toml without our table: a byte search spares them the
    # TOML parser, whose import and parse (~7 ms) cost more than linting a small log. Every
    # spelling of the key ([tool.studylog-md], [tool."studylog-md"], dotted keys, an inline
    # table) contains these bytes; only a \u-escaped key would not, and nobody writes that.
    data = _read_bytes(pyproject)
    if b"studylog-md" not in data:
        return False
    document = _parse_toml(pyproject, data)
    tool = document.get("tool")
    return isinstance(tool, dict) and "studylog-md" in tool


def _close_matches(word: str, possibilities: Sequence[str], n: int, cutoff: float) -> list[str]:
    import difflib  # only for the message of a mistake

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)


def _read_toml(path: Path) -> dict[str, Any]:
    return _parse_toml(path, _read_bytes(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read configuration {path}: {exc.strerror or exc}") from exc


def _parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    # Imported here: most runs find no configuration file and need no TOML parser.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _absolute(path: Path) -> Path:
    # abspath, not resolve(): a symbolic link to a README in another repository should still
    # use the configuration of the repository the user is working in.
    return Path(os.path.abspath(path))


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
    from ..lint.registry import RULES, rule_by_code_or_name

    names: list[str] = []
    for item in keys:
        meta = rule_by_code_or_name(item.strip())
        if meta is None:
            close = _close_matches(item, list(RULES), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise reader.error(
                key, f"unknown rule {item!r}{hint}; `studylog-md lint --help` lists the rules"
            )
        names.append(meta.name)
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


def _expand(text: str, env: Mapping[str, str], key: str, source: Path | None) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        if name is None:  # refused when the file was read; kept for direct construction
            raise ConfigError(f"{source}: {key}: {match.group(0)!r} is not a variable reference")
        if name not in env:
            raise ConfigError(
                f"{source}: {key} uses ${{{name}}}, but the environment variable {name} is not set"
            )
        return env[name]

    return re.sub(_ENV_REF, replace, text)


def _host_matches(pattern: str, host: str) -> bool:
    host = host.lower().rstrip(".")
    if pattern.startswith("*."):
        return host.endswith(pattern[1:])
    return host == pattern


def _quote_key(key: str) -> str:
    """A key as it would be written in a dotted TOML key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else '"' + key.replace('"', '\\"') + '"'


# --- globs ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """Compile a per-file-ignores glob (gitignore-like: ``*``, ``?``, ``[...]``, ``**``)."""
    pattern = glob.strip()
    anchored = pattern.startswith(("/", "./")) or "/" in pattern.rstrip("/")
    pattern = pattern.removeprefix("./").lstrip("/")
    if not anchored:
        # "CHANGELOG.md" and "*.md" match a file of that name in any folder.
        pattern = "**/" + pattern
    if pattern.endswith("/"):
        pattern += "**"
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:[^/]*/)*")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            close = pattern.find("]", i + 2)
            if close == -1:
                parts.append(re.escape("["))
                i += 1
            else:
                parts.append(_char_class(pattern[i + 1 : close]))
                i = close + 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("(?s:" + "".join(parts) + r")\Z")


def _char_class(body: str) -> str:
    """A glob character class (``[a-z]``, ``[!0-9]``) as a regular expression class."""
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    # Escape what is special inside a regex class (and the set operators re warns about).
    escaped = "".join("\\" + ch if ch in "\\[^&~|" else ch for ch in body)
    return "[" + ("^/" if negate else "") + escaped + "]"


def _relative_posix(path: Path, root: Path | None) -> str:
    absolute = _absolute(path)
    if root is not None:
        try:
            return absolute.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return absolute.relative_to(_absolute(Path.cwd())).as_posix()
    except ValueError:
        return absolute.as_posix().lstrip("/")
