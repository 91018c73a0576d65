"""The settings records: ``Config`` and its ``links`` sub-table."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import ConfigError
from ..safe_write import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # pragma: no cover
    from ..document.markers import Vocabulary
    from ..lint.options import LintOptions

from .globs import _glob_regex, _relative_posix

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
