"""``studylog-md lint`` and ``studylog-md fix``: report problems, apply the safe fixes.

Only click and the standard library are imported at module level: the pre-commit hook runs
this on every commit, so markdown-it-py, the model and the rules are imported inside the
callbacks, when there is a file to read.

Every file is processed even when one of them fails; the worst outcome decides the exit code
(0 clean, 1 findings or a file fixed, 2 a file could not be read or written, 3 a bug).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..document.printable import printable
from ._common import (
    EXIT_FINDINGS,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USER,
    WarnOnce,
    committing,
    config_option,
    err,
    explicit_config,
    fail,
    out,
)
from ._lint_files import (
    STDIN,
    STDIN_NAME,
    FileResult,
    Settings,
    config_for,
    limit,
    lint_path,
    lint_paths,
    options_for,
    read,
)
from ._network import network_given, network_options
from ._output import (
    FINDING_FORMATS,
    color_option,
    print_findings,
    print_json,
    unified_diff,
    want_color,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..config import Config
    from ..document.model import Document
    from ..lint.diagnostic import Diagnostic
    from ..lint.options import LintOptions

F = TypeVar("F", bound=Callable[..., Any])

# What ``lint`` and ``fix`` read when no file is named: the usual names of a study log.
DEFAULT_FILES = ("README.md", "STUDY_LOG.md")


# Plain classes, not dataclasses: see the note in studylog_md/lint/diagnostic.py.
class _Session:
    """What one command run shares across its files: options, findings, the worst outcome."""

    __slots__ = (
        "_errors_shown",
        "code",
        "explicit_config",
        "extend_select",
        "findings",
        "findings_fail",
        "ignore",
        "max_bytes",
        "network",
        "online",
        "select",
        "strict",
        "unsafe",
        "warn",
    )

    def __init__(
        self,
        explicit_config: Path | None,
        select: frozenset[str] | None,
        ignore: frozenset[str],
        max_bytes: int | None,
    ) -> None:
        self.explicit_config = explicit_config
        self.select = select
        self.ignore = ignore
        self.max_bytes = max_bytes
        self.extend_select: frozenset[str] = frozenset()  # --extend-select
        self.findings_fail = False  # lint: errors and warnings fail the run (not --exit-zero)
        self.online = False  # lint --online: add the online link check's findings
        self.strict = False  # lint --strict: links that cannot be verified fail too
        self.network: dict[str, Any] = {}  # lint --online: the network options given
        self.unsafe = False  # --unsafe-fixes: apply the fixes that may change what a log says
        self.code = EXIT_OK
        self.findings: list[Diagnostic] = []
        self._errors_shown: set[str] = set()
        self.warn = WarnOnce()  # lint --online: each warning once, not once per file

    def error(self, exc: Exception | str, code: int) -> None:
        """Report one file's failure on one line and remember the worst exit code."""
        message = f"studylog-md: error: {printable(str(exc))}"
        # A broken configuration fails every file below it; say so once.
        if message not in self._errors_shown:
            self._errors_shown.add(message)
            err(message)
        self.worse(code)

    def unexpected(self, exc: Exception, path: str) -> None:
        """A failure that is not a StudylogError: report it, keep going with the next file."""
        if isinstance(exc, RecursionError):
            self.error(
                f"{path} is nested too deeply to read; flatten the deepest lists or quotes",
                EXIT_USER,
            )
            return
        err(
            f"studylog-md: internal error: {type(exc).__name__}: {exc} (while processing "
            f"{path}). This is a bug; please report it with the file that caused it. Nothing "
            "was written."
        )
        self.worse(EXIT_INTERNAL)

    def worse(self, code: int) -> None:
        self.code = max(self.code, code)

    @property
    def settings(self) -> Settings:
        return Settings(
            self.explicit_config, self.select, self.ignore, self.max_bytes, self.extend_select
        )

    def config_for(self, path: str) -> Config:
        return config_for(self.settings, path)

    def options_for(self, config: Config, shown: str) -> LintOptions:
        return options_for(self.settings, config, shown)

    def limit(self, config: Config) -> int:
        return limit(self.settings, config)

    def absorb(self, result: FileResult) -> None:
        """One file's result: its problem reported now, its findings kept for the report."""
        problem = result.problem
        if problem is not None:
            if problem.internal:
                err(problem.message)
                self.worse(problem.code)
            else:
                self.error(problem.message, problem.code)
            return
        self.findings.extend(result.findings)


class _WithRules(click.Command):
    """A command whose ``--help`` ends with the list of rules (imported only for the help)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from ..lint.registry import RULES

        rows = [
            (f"{meta.code} {meta.name}", meta.summary + (" [fixable]" if meta.fixable else ""))
            for meta in RULES.values()
        ]
        with formatter.section("Rules"):
            formatter.write_dl(rows)
        super().format_epilog(ctx, formatter)


# --- options shared by both commands ------------------------------------------------------


def _common_options(command: F) -> F:
    decorators = [
        click.argument("files", nargs=-1, type=click.Path(allow_dash=True)),
        click.option(
            "--select",
            "select",
            multiple=True,
            metavar="RULES",
            help="Only these rules (names or codes, comma-separated; replaces the config's).",
        ),
        click.option(
            "--extend-select",
            "extend_select",
            multiple=True,
            metavar="RULES",
            help="These rules too (an opt-in rule such as duplicate-across-files).",
        ),
        click.option(
            "--ignore",
            "ignore",
            multiple=True,
            metavar="RULES",
            help="Skip these rules too (names or codes, comma-separated).",
        ),
        config_option,
        click.option(
            "--max-bytes",
            type=click.IntRange(min=1),
            default=None,
            help="Refuse files larger than this (default: the config's max-bytes, 16 MiB).",
        ),
        click.option(
            "-q", "--quiet", is_flag=True, help="Only the findings: no summary, no progress lines."
        ),
        color_option,
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@click.command("lint", cls=_WithRules)
@_common_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FINDING_FORMATS),
    default="text",
    show_default=True,
    help="text (path:line:col: CODE rule message), json, github (workflow commands) or sarif.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply the safe fixes first (as `fix`).")
@click.option(
    "--in-place", is_flag=True, help="With --fix: write into the file itself (hard links)."
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Count the findings per rule instead of listing them (text or json).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes for many files (0: one per processor; 1: this process only).",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix: also apply unsafe fixes; they may change a status, a title, a link or "
    "a table (docs/rules.md says which).",
)
@click.option("--online", is_flag=True, help="Also check every http(s) link over the network.")
@click.option("--strict", is_flag=True, help="With --online: links that cannot be verified fail.")
@network_options
def lint_cmd(
    files: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    max_bytes: int | None,
    quiet: bool,
    fmt: str,
    exit_zero: bool,
    apply_fix: bool,
    in_place: bool,
    statistics: bool,
    jobs: int,
    unsafe_fixes: bool,
    online: bool,
    strict: bool,
    network: dict[str, Any],
) -> int:
    """Report problems in study logs (FILES default to README.md and STUDY_LOG.md; - is stdin).

    FILES may be files, folders (every *.md / *.markdown below, without what git ignores) and
    quoted globs ('docs/**/*.md'); `lint .` checks the whole tree. Exit codes: 0 no findings
    (info findings never fail); 1 errors or warnings found, or with --fix a file was changed;
    2 a file could not be read, bad usage or configuration; 3 a bug.
    """
    if strict and not online:
        raise click.UsageError("--strict only applies with --online")
    given = network_given(network)
    if given and not online:
        raise click.UsageError(f"{given[0]} only applies with --online")
    if statistics and fmt not in ("text", "json"):
        raise click.UsageError("--statistics prints text or json")
    if unsafe_fixes and not apply_fix:
        raise click.UsageError("--unsafe-fixes only applies with --fix")
    if online:
        _require_online()
    session = _session(explicit_config(), select, ignore, max_bytes, extend_select)
    session.findings_fail = not exit_zero
    session.online, session.strict, session.network = online, strict, network
    session.unsafe = unsafe_fixes
    color = fmt == "text" and want_color()
    paths = _files(files, session)
    if apply_fix:
        for path in paths:
            _fix_one(path, session, dry_run=False, in_place=in_place, quiet=quiet or fmt != "text")
    else:
        _lint_all(paths, session, jobs=jobs)
    if statistics:
        _print_statistics(session.findings, fmt, color=color)
    else:
        print_findings(session.findings, fmt, color=color, summary=not quiet)
    if session.findings_fail and _failing(session.findings):
        session.worse(EXIT_FINDINGS)
    return session.code


def _print_statistics(findings: list[Diagnostic], fmt: str, *, color: bool) -> None:
    from ..lint import report

    if fmt == "json":
        print_json(report.statistics(findings))
        return
    text = report.format_statistics(findings, color=color)
    if text:
        out(text.rstrip("\n"))


@click.command("fix", cls=_WithRules)
@_common_options
@click.option("--dry-run", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--in-place", is_flag=True, help="Write into the file itself (hard-linked files).")
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="Also apply unsafe fixes: they may change a status, a title, a link or a table "
    "(docs/rules.md says which).",
)
def fix_cmd(
    files: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    max_bytes: int | None,
    quiet: bool,
    dry_run: bool,
    in_place: bool,
    unsafe_fixes: bool,
) -> int:
    """Apply the linter's safe fixes to FILES (default README.md and STUDY_LOG.md; - is stdin).

    Each changed file is written atomically and reported as ``Fixed FILE (N)``; findings that
    have no safe fix are printed afterwards. With - the fixed text goes to standard output.
    --unsafe-fixes also applies the fixes that may change what the log says (a status, a
    title, a link target, which lines are table rows).
    Exit codes: 0 nothing to fix; 1 a file was changed (or would be, with --dry-run); 2 a
    file could not be read or written (it is untouched); 3 a bug (nothing written).
    """
    session = _session(explicit_config(), select, ignore, max_bytes, extend_select)
    session.unsafe = unsafe_fixes
    for path in _files(files, session):
        _fix_one(path, session, dry_run=dry_run, in_place=in_place, quiet=quiet)
    print_findings(session.findings, "text", color=want_color(), summary=not quiet)
    return session.code


# --- the work ------------------------------------------------------------------------------


def _session(
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    max_bytes: int | None,
    extend_select: tuple[str, ...] = (),
) -> _Session:
    session = _Session(
        explicit_config=config_path,
        select=frozenset(_rules("--select", select)) if select else None,
        ignore=frozenset(_rules("--ignore", ignore)),
        max_bytes=max_bytes,
    )
    session.extend_select = frozenset(_rules("--extend-select", extend_select))
    return session


def _rules(option: str, values: tuple[str, ...]) -> list[str]:
    """Canonical rule names for ``--select a,b --select c``; an unknown one is a usage error."""
    from ..lint.registry import rule_name, unknown_rule_message

    names: list[str] = []
    for value in values:
        for item in (part.strip() for part in value.split(",")):
            if not item:
                continue
            name = rule_name(item)
            if name is None:
                raise click.BadParameter(unknown_rule_message(item), param_hint=option)
            names.append(name)
    return names


def _files(files: tuple[str, ...], session: _Session) -> list[str]:
    if files:
        from ._files import gather

        gathered = gather(files)
        session.worse(gathered.code)
        return gathered.paths
    found = [name for name in DEFAULT_FILES if os.path.isfile(name)]
    if not found:
        fail(
            "no files given, and neither " + " nor ".join(DEFAULT_FILES) + " is in the current "
            "folder; name the Markdown files to check (- reads standard input)"
        )
    return found


def _read(path: str, session: _Session, config: Config) -> tuple[bytes, str]:
    """The bytes of ``path`` (or standard input) and the name to show for it."""
    return read(path, session.settings, config)


def _lint_all(paths: list[str], session: _Session, *, jobs: int) -> None:
    """Lint every file (in worker processes when it pays); then the cross-file and online checks.

    Online checks need every document in this process (each URL is checked once for the whole
    run), so ``--online`` lints here.
    """
    from ..lint.across import duplicates_across_files

    settings = session.settings
    listings = []
    if session.online:
        kept: list[FileResult] = []
        for path in paths:
            result = lint_path(path, settings, keep=True, only=len(paths) == 1)
            session.absorb(result)
            listings.append(result.listings)
            if result.problem is None:
                kept.append(result)
        _online(kept, session)
    else:
        for result in lint_paths(paths, settings, jobs):
            session.absorb(result)
            listings.append(result.listings)
    if any(listings):
        session.findings.extend(duplicates_across_files(listings))
        # Each file's findings together, in the files' order, then by position.
        order = {path: index for index, path in enumerate(paths)}
        session.findings.sort(key=lambda d: (order.get(d.path, -1), d.line, d.column, d.code))


def _online(results: list[FileResult], session: _Session) -> None:
    """The online check's findings for every file read, each URL checked once per config."""
    from ..errors import StudylogError
    from ..lint.online import check_documents
    from .links_cmd import Progress, online_options

    # Files under one configuration share one check; another configuration (other timeouts,
    # accepted statuses, headers) gets its own.
    groups: dict[object, list[FileResult]] = {}
    for result in results:
        groups.setdefault(result.config.source, []).append(result)
    progress = Progress()
    try:
        for group in groups.values():
            first = group[0]
            file = Path(first.shown) if first.shown != STDIN_NAME else Path.cwd() / "stdin.md"
            try:
                options = online_options(first.config, file, **session.network)
                found = check_documents(
                    [(r.doc, r.shown) for r in group],
                    options,
                    strict=session.strict,
                    progress=progress,
                    warn=session.warn,
                )
            except StudylogError as exc:
                # A bad links setting: reported; these files' offline findings still stand.
                session.error(exc, exc.exit_code)
                continue
            for r in group:
                chosen = _chosen(found.get(r.shown, []), session.options_for(r.config, r.shown))
                session.findings.extend(chosen)
    finally:
        progress.close()


def _chosen(found: list[Diagnostic], options: LintOptions) -> list[Diagnostic]:
    """The online findings the file's ``select``/``ignore`` let through."""
    from ..lint.engine import resolve_rules

    if options.select is not None:
        picked = resolve_rules(options.select)
        found = [d for d in found if d.rule in picked]
    if options.ignore:
        ignored = resolve_rules(options.ignore)
        found = [d for d in found if d.rule not in ignored]
    return found


def _fix_one(path: str, session: _Session, *, dry_run: bool, in_place: bool, quiet: bool) -> None:
    """Fix one file (or standard input); remaining findings go to ``session.findings``."""
    from ..errors import StudylogError

    try:
        config = session.config_for(path)
        if path == STDIN:
            _fix_stdin(session, config)
        elif dry_run:
            _fix_dry_run(path, session, config)
        else:
            _fix_file(path, session, config, in_place=in_place, quiet=quiet)
    except StudylogError as exc:
        session.error(exc, exc.exit_code)
    except Exception as exc:  # one file's bug must not hide the other files
        session.unexpected(exc, path)


class _Fixed:
    """One file before and after its safe fixes."""

    __slots__ = ("count", "data", "doc", "remaining")

    def __init__(self, doc: Document, data: bytes, count: int, remaining: list[Diagnostic]) -> None:
        self.doc = doc  # the document as read
        self.data = data  # the bytes after fixing (the same object as read when nothing was fixed)
        self.count = count  # fixes applied
        self.remaining = remaining  # findings left after fixing


def _fixed(data: bytes, shown: str, session: _Session, config: Config) -> _Fixed:
    """Parse ``data``, apply every safe fix (unsafe ones too when asked), lint it again.

    Every round of fixes is verified (``edit/verify.py``): a fix that changed more than it
    may raises SafetyCheckError (exit 3) before anything is written.
    """
    from .. import load_bytes
    from ..document import _lines
    from ..lint.engine import fix_until_stable, lint_document
    from ._lint_files import vocabulary_for

    vocabulary = vocabulary_for(config, shown)
    options = session.options_for(config, shown)
    doc = load_bytes(data, path=shown, vocabulary=vocabulary)
    found = lint_document(doc, shown, options)
    if any(d.fix is not None for d in found):
        # Until stable, not one round: fixes that overlap wait for a later round, and a second
        # `fix` must find nothing left to do (the pre-commit hook would fail forever otherwise).
        text, count = fix_until_stable(doc, shown, options, unsafe=session.unsafe)
        new_data = _lines.encode(text, doc.bom)
        if count and new_data != data:
            # Lint the result again: what is printed afterwards is what is left in the file.
            after = load_bytes(new_data, path=shown, vocabulary=vocabulary)
            found = lint_document(after, shown, options)
            if session.online:
                found += _online_findings(
                    after, shown, config, session, session.options_for(config, shown)
                )
            return _Fixed(doc, new_data, count, found)
    if session.online:
        found += _online_findings(doc, shown, config, session, session.options_for(config, shown))
    return _Fixed(doc, data, 0, found)


def _fix_file(path: str, session: _Session, config: Config, *, in_place: bool, quiet: bool) -> None:
    from ..safe_write import editing, write_back

    # The lock is held from the read to the write, so a concurrent edit either finishes
    # before we read or is refused by write_back's stale check; never silently overwritten.
    with editing(path, max_bytes=session.limit(config)) as snapshot:
        result = _fixed(snapshot.data, path, session, config)
        with committing():
            changed = result.count > 0 and write_back(snapshot, result.data, in_place=in_place)
            if changed:
                (err if quiet else out)(f"Fixed {printable(path)} ({result.count})")
    if changed:
        session.worse(EXIT_FINDINGS)
    session.findings.extend(result.remaining)


def _fix_dry_run(path: str, session: _Session, config: Config) -> None:
    from ..document import _lines

    data, shown = _read(path, session, config)
    result = _fixed(data, shown, session, config)
    if result.count:
        text, _ = _lines.decode(result.data, shown)
        out(
            unified_diff(shown, result.doc.dumps(), text)
            + f"Would fix {printable(shown)} ({result.count}); dry run: nothing written"
        )
        session.worse(EXIT_FINDINGS)
    session.findings.extend(result.remaining)


def _fix_stdin(session: _Session, config: Config) -> None:
    data, shown = _read(STDIN, session, config)
    result = _fixed(data, shown, session, config)
    # The fixed text is the output, byte for byte (BOM, line endings and invalid bytes kept);
    # everything else goes to standard error so that a pipeline receives only the file.
    stream = sys.stdout.buffer
    stream.write(result.data)
    stream.flush()
    if result.count:
        err(f"Fixed {printable(shown)} ({result.count})")
        session.worse(EXIT_FINDINGS)
    print_findings(result.remaining, "text", color=False, to_stderr=True)
    if session.findings_fail and _failing(result.remaining):
        session.worse(EXIT_FINDINGS)


def _online_findings(
    doc: Document, path: str, config: Config, session: _Session, options: LintOptions
) -> list[Diagnostic]:
    """Findings of the online link check for one fixed document (``lint --fix --online``).

    When the online check cannot run (a bad ``links`` setting), that is reported and the
    file's offline findings still stand: none are returned from here, none are lost.
    """
    from ..errors import StudylogError
    from ..lint.online import check_documents
    from .links_cmd import Progress, online_options

    file = Path(path) if path not in ("-", STDIN_NAME) else Path.cwd() / "stdin.md"
    progress = Progress()
    try:
        found = check_documents(
            [(doc, path)],
            online_options(config, file, **session.network),
            strict=session.strict,
            progress=progress,
            warn=session.warn,
        )
    except StudylogError as exc:
        session.error(exc, exc.exit_code)
        return []
    finally:
        progress.close()
    return _chosen(found.get(path, []), options)


def _require_online() -> None:
    try:
        import studylog_md.linkcheck  # noqa: F401 - only checking that it is installed
    except ImportError:
        fail("online checking is not available in this installation of studylog-md")


# --- output --------------------------------------------------------------------------------


def _failing(findings: Iterable[Diagnostic]) -> bool:
    from ..lint.diagnostic import Severity

    return any(d.severity is not Severity.INFO for d in findings)
