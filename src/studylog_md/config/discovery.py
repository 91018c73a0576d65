"""Finding the configuration that applies to a file, reading it, caching it."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    pass

from .globs import _absolute
from .model import CONFIG_FILE, PYPROJECT, Config
from .schema import _build

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
