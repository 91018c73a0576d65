"""What every rule family shares: the ``@rule`` decorator and the per-document context.

A rule is a small function that takes a :class:`LintContext` and yields
:class:`~studylog_md.lint.diagnostic.Diagnostic` objects. ``@rule`` records it with its
stable code, name and default severity; :mod:`studylog_md.lint.registry` imports the families
so that every rule is registered, and :mod:`studylog_md.lint.engine` runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from ..document.markers import DEFAULT_VOCABULARY, Vocabulary
from ..document.replace import Replacement
from .diagnostic import Diagnostic, Fix, Severity
from .options import LintOptions

if TYPE_CHECKING:  # pragma: no cover
    from datetime import datetime

    from ..document.model import Document, Table

# What a rule needs from the document; the engine skips the rule when the document has none,
# so a Markdown file without study-log tables costs next to nothing.
Needs = Literal["document", "tables", "logs", "entries"]
Check = Callable[["LintContext"], Iterable[Diagnostic]]


class RuleSpec(NamedTuple):
    """A registered rule: its metadata and the function that checks it (None: no check)."""

    code: str
    name: str
    severity: Severity
    summary: str
    fixable: bool
    needs: Needs
    check: Check | None


SPECS: dict[str, RuleSpec] = {}
_BY_KEY: dict[str, str] = {}  # casefolded code or name -> name; filled by declare()


def declare(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    fixable: bool = False,
    needs: Needs = "document",
    check: Check | None = None,
) -> RuleSpec:
    """Register a rule; codes and names must be unique."""
    if name in SPECS or any(spec.code == code for spec in SPECS.values()):
        raise ValueError(f"rule {code} {name} is registered twice")
    spec = RuleSpec(code, name, severity, summary, fixable, needs, check)
    SPECS[name] = spec
    _BY_KEY[code.casefold()] = _BY_KEY[name.casefold()] = name
    return spec


def rule_name(key: str) -> str | None:
    """The name of the rule named ``key`` (``"column-count"``) or coded ``key`` (``"SL001"``,
    any case); None when no registered rule has it. The one resolver: the engine, the online
    findings, the CLI and the configuration all ask this (through the registry's wording for an
    unknown rule, :func:`studylog_md.lint.registry.unknown_rule_message`)."""
    return _BY_KEY.get(key.strip().casefold())


def rule(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    *,
    fixable: bool = False,
    needs: Needs = "document",
) -> Callable[[Check], Check]:
    """Decorator: register the function as the check of rule ``name``."""

    def register(check: Check) -> Check:
        declare(code, name, severity, summary, fixable=fixable, needs=needs, check=check)
        if not check.__doc__:
            # The summary is the rule's documentation; docs/rules.md has the long form.
            check.__doc__ = f"{code} {name}: {summary}"
        return check

    return register


_DEFAULT_OPTIONS = LintOptions()


class LintContext:
    """One document being linted, with what several rules share computed once."""

    __slots__ = ("_folder", "_log_tables", "_now", "_repo_root", "_text", "doc", "options", "path")

    def __init__(self, doc: Document, path: str, options: LintOptions = _DEFAULT_OPTIONS) -> None:
        self.doc = doc
        self.path = path
        self.options = options
        # Computed on first use by the properties below.
        self._now: datetime | None = None
        self._log_tables: list[Table] | None = None
        self._repo_root: Path | None = None
        self._text: str | None = None
        self._folder: Path | None = None

    def __repr__(self) -> str:
        return f"LintContext(path={self.path!r}, options={self.options!r})"

    # -- building findings ----------------------------------------------------------------
    def report(
        self,
        name: str,
        line: int,
        column: int,
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
        end_line: int | None = None,
        end_column: int | None = None,
    ) -> Diagnostic:
        """A finding of rule ``name`` at 1-based ``line``/``column``."""
        spec = SPECS[name]
        return Diagnostic(
            path=self.path,
            line=line,
            column=column,
            code=spec.code,
            rule=name,
            severity=severity or spec.severity,
            message=message,
            fix=fix,
            end_line=end_line,
            end_column=end_column,
        )

    def offset(self, line: int, column: int) -> int:
        """Offset in ``Document.dumps()`` of 0-based ``line`` and 0-based ``column``."""
        return self.doc.line_offset(line) + column

    def replace(self, line: int, start: int, end: int, new: str) -> Replacement:
        """Replace columns ``start:end`` (0-based) of 0-based ``line``."""
        base = self.doc.line_offset(line)
        return Replacement(base + start, base + end, new)

    # -- shared facts ---------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        if self._now is None:
            from datetime import datetime, timezone  # only expiring-url asks, for signed URLs

            self._now = self.options.now or datetime.now(timezone.utc)
        return self._now

    @property
    def vocabulary(self) -> Vocabulary:
        """The document's status vocabulary (the default one for a hand-built document)."""
        return self.doc.vocabulary or DEFAULT_VOCABULARY

    @property
    def text(self) -> str:
        """The document's text (``dumps()``), built once."""
        if self._text is None:
            self._text = self.doc.dumps()
        return self._text

    @property
    def log_tables(self) -> list[Table]:
        """The tables that track progress (they have a status column)."""
        if self._log_tables is None:
            self._log_tables = [table for table in self.doc.tables if table.is_log]
        return self._log_tables

    @property
    def folder(self) -> Path | None:
        """The folder relative links are resolved from (None for standard input)."""
        if self._folder is None:
            if not self.path or self.path.startswith("<"):
                return None
            self._folder = Path(self.path).resolve().parent
        return self._folder

    @property
    def repo_root(self) -> Path | None:
        """Where ``/…`` links point: the option, the nearest ``.git`` folder, or the file's."""
        if self._repo_root is None:
            if self.options.repo_root is not None:
                self._repo_root = self.options.repo_root.resolve()
            elif self.folder is not None:
                self._repo_root = find_repo_root(self.folder)
        return self._repo_root


def find_repo_root(folder: Path) -> Path:
    """The nearest folder at or above ``folder`` holding ``.git``; else ``folder`` itself."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder
