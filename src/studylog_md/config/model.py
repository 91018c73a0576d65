"""The settings records: ``Config`` and its ``links`` sub-table."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..linkcheck.settings import LinkSettings
from ..safe_write import DEFAULT_MAX_BYTES

if TYPE_CHECKING:  # pragma: no cover
    from ..document.columns import ColumnNames
    from ..document.markers import Vocabulary
    from ..lint.options import LintOptions

from .globs import _relative_posix, compile_glob

CONFIG_FILE = ".studylog-md.toml"
DEFAULT_INCLUDE = ("*.md", "*.markdown")
PYPROJECT = "pyproject.toml"
_TABLE = ("tool", "studylog-md")

# The one model of the ``links`` table lives with the checker (linkcheck/settings.py, no
# heavy imports); ``LinksConfig`` is its name here, kept for code that imported it.
LinksConfig = LinkSettings


class Config(NamedTuple):
    """The settings that apply to one folder's files; defaults when no file is found.

    ``select`` and ``ignore`` hold canonical rule names. ``per_file_ignores`` maps a glob
    (relative to the configuration file's folder; a glob without ``/`` matches a file name in
    any folder; ``**`` crosses folders) to rule names.
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    extend_select: frozenset[str] = frozenset()
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()
    done_markers: tuple[str, ...] = ()
    todo_markers: tuple[str, ...] = ()
    in_progress_markers: tuple[str, ...] = ()
    duplicate_url_allow: tuple[str, ...] = ()
    duplicate_title_scope: str = "section"  # "section" | "file"
    # [columns]: (None, names) for every file, (glob, names) for the files a glob matches
    columns: tuple[tuple[str | None, ColumnNames], ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    links: LinkSettings = LinkSettings()
    source: Path | None = None
    # Which files a folder or a glob on the command line brings in (globs as per-file-ignores,
    # relative to the configuration's folder); a file named on the command line always counts.
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()

    @property
    def root(self) -> Path | None:
        """The folder per-file-ignores globs are relative to (the configuration's folder)."""
        return self.source.parent if self.source is not None else None

    def vocabulary(self, path: Path | None = None) -> Vocabulary:
        """The default status markers plus this project's extra spellings.

        With ``path``, the vocabulary also carries the column names configured for that file
        (``[columns]`` and its globs).
        """
        from ..document.markers import DEFAULT_VOCABULARY, Vocabulary

        if not (self.done_markers or self.todo_markers or self.in_progress_markers):
            vocab = DEFAULT_VOCABULARY
        else:
            vocab = Vocabulary.with_extra(
                done=self.done_markers,
                todo=self.todo_markers,
                in_progress=self.in_progress_markers,
            )
        names = self.columns_for(path) if path is not None else None
        return vocab.with_columns(names) if names else vocab

    def columns_for(self, path: Path) -> ColumnNames | None:
        """The column names configured for ``path``: ``[columns]``, then matching globs."""
        if not self.columns:
            return None
        from ..document.columns import ColumnNames

        roles: dict[str, tuple[str, ...]] = {}
        relative: str | None = None
        for glob, names in self.columns:
            if glob is not None:
                if relative is None:
                    relative = _relative_posix(path, self.root)
                if not compile_glob(glob).match(relative):
                    continue
            for role, value in names._asdict().items():
                if value:
                    roles[role] = value
        return ColumnNames(**roles) if roles else None

    def ignored_for(self, path: Path) -> frozenset[str]:
        """``ignore`` plus the per-file-ignores whose glob matches ``path``."""
        if not self.per_file_ignores:
            return self.ignore
        relative = _relative_posix(path, self.root)
        extra: set[str] = set()
        for glob, rules in self.per_file_ignores:
            if compile_glob(glob).match(relative):
                extra |= rules
        return self.ignore | extra

    def lint_options(self, path: Path) -> LintOptions:
        """The engine's options for ``path`` (per-file-ignores applied)."""
        from ..lint.options import LintOptions

        # repo_root stays None: the engine finds the nearest ``.git`` above the file itself.
        return LintOptions(
            select=self.select,
            extend_select=self.extend_select,
            ignore=self.ignored_for(path),
            duplicate_url_allow=self.duplicate_url_allow,
            duplicate_title_scope=self.duplicate_title_scope,
        )
