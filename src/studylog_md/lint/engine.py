"""Run the rules over a document, honour disable comments, and apply safe fixes.

>>> from studylog_md import loads
>>> doc = loads("|Resource|Progress|\\n|---|---|\\n|[A](https://a.example)|✅|extra|\\n")
>>> [(d.line, d.rule) for d in lint_document(doc, "log.md")]
[(3, 'column-count')]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..document.model import Document
from ..document.replace import Replacement, apply_replacements
from ..errors import ConfigError
from .base import SPECS, LintContext, RuleSpec, rule_name
from .diagnostic import Diagnostic
from .options import LintOptions
from .registry import unknown_rule_message
from .suppress import Suppressions

if TYPE_CHECKING:  # pragma: no cover
    from ..edit.verify import Declaration

__all__ = [
    "LintOptions",
    "apply_fixes",
    "fix_until_stable",
    "lint_bytes_error",
    "lint_document",
]


DEFAULT_OPTIONS = LintOptions()


def resolve_rules(keys: Iterable[str]) -> frozenset[str]:
    """Rule names for names or codes; an unknown one raises :class:`ConfigError`."""
    names: set[str] = set()
    for key in keys:
        name = rule_name(key)
        if name is None:
            raise ConfigError(unknown_rule_message(key))
        names.add(name)
    return frozenset(names)


def _runs(spec: RuleSpec, doc: Document, ctx: LintContext) -> bool:
    """Whether the document has anything this rule looks at."""
    if spec.needs == "tables":
        return bool(doc.tables)
    if spec.needs == "logs":
        return bool(ctx.log_tables)
    if spec.needs == "entries":
        return bool(doc.entries)
    return True


def lint_document(
    doc: Document, path: str, options: LintOptions = DEFAULT_OPTIONS
) -> list[Diagnostic]:
    """Every finding in ``doc``, sorted by (line, column, code).

    ``path`` is the name shown in the findings and the base of relative links. Findings turned
    off by ``<!-- studylog-md-disable ... -->`` comments are left out.
    """
    selected = frozenset(SPECS) if options.select is None else resolve_rules(options.select)
    selected |= resolve_rules(options.extend_select)
    selected -= resolve_rules(options.ignore)
    suppress = Suppressions.scan(doc, rule_name)
    ctx = LintContext(doc, path, options)
    found: list[Diagnostic] = []
    for spec in SPECS.values():
        if spec.check is None or spec.name not in selected or suppress.file_disabled(spec.name):
            continue
        if _runs(spec, doc, ctx):
            found.extend(spec.check(ctx))
    if suppress:
        found = [d for d in found if not suppress.disabled(d.rule, d.line)]
    found.sort(key=lambda d: (d.line, d.column, d.code))
    return found


def lint_bytes_error(path: str, exc: Exception) -> Diagnostic:
    """A file that cannot be read at all (UTF-16, binary...) as an ``unreadable-file`` finding."""
    spec = SPECS["unreadable-file"]
    message = str(exc)
    prefix = f"{path}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    return Diagnostic(
        path=path,
        line=1,
        column=1,
        code=spec.code,
        rule=spec.name,
        severity=spec.severity,
        message=message,
    )


def _conflicts(accepted: list[tuple[int, int]], rep: Replacement) -> bool:
    """Whether ``rep`` touches a span already taken (two insertions at one point conflict)."""
    import bisect  # here and in apply_fixes: only fixing needs it

    start, end = rep.start, rep.end
    index = bisect.bisect_left(accepted, (start, end))
    for neighbour in accepted[max(index - 1, 0) : index + 1]:
        other_start, other_end = neighbour
        if start < other_end and other_start < end:
            return True
        if start == end and other_start < start < other_end:
            return True
        if other_start == other_end and start < other_start < end:
            return True
        if start == end == other_start == other_end:
            return True
    return False


def apply_fixes(
    doc: Document, diagnostics: Sequence[Diagnostic], *, unsafe: bool = False
) -> tuple[str, int]:
    """Apply the safe fixes of ``diagnostics`` to ``doc``'s text: ``(new text, fixes applied)``.

    Unsafe fixes (they may change what the log means) are applied only with ``unsafe``. The
    text is ``Document.dumps()`` (no BOM). When two fixes touch the same span the first one
    wins and the other waits for the next run (re-lint the result and fix again).
    """
    text, chosen = _choose_fixes(doc, diagnostics, unsafe=unsafe)
    if not chosen:
        return text, 0
    replacements = [rep for d in chosen for rep in d.fix.replacements]  # type: ignore[union-attr]
    return apply_replacements(text, replacements), len(chosen)


def _choose_fixes(
    doc: Document, diagnostics: Sequence[Diagnostic], *, unsafe: bool
) -> tuple[str, list[Diagnostic]]:
    """The document's text and the findings whose fixes apply together (first one wins)."""
    import bisect

    text = doc.dumps()
    accepted: list[tuple[int, int]] = []
    chosen: list[Diagnostic] = []
    done: set[tuple[Replacement, ...]] = set()
    for diagnostic in diagnostics:
        fix = diagnostic.fix
        if fix is None or not fix.replacements or fix.replacements in done:
            continue
        if not fix.safe and not unsafe:
            continue
        reps = sorted(fix.replacements)
        if any(r.start < 0 or r.end < r.start or r.end > len(text) for r in reps):
            continue
        if any(a.end > b.start for a, b in itertools.pairwise(reps)):
            continue  # a fix that overlaps itself is a bug in its rule; never apply it
        if any(_conflicts(accepted, r) for r in reps):
            continue
        for rep in reps:
            bisect.insort(accepted, (rep.start, rep.end))
        done.add(fix.replacements)
        chosen.append(diagnostic)
    return text, chosen


def fix_declaration(doc: Document, chosen: Sequence[Diagnostic]) -> Declaration:
    """What a round of fixes says it does, for :func:`~studylog_md.edit.verify.verify`.

    Safe fixes keep every entry's title, status and URLs (URLs may lose tracking parameters)
    and every table row; unsafe ones may change or remove the entries of the tables they
    touch (a changed row can change which column a table reads statuses from) and add rows
    and entries, but no other entry changes and no other table row is lost.
    """
    from ..edit.verify import Declaration

    replacements = tuple(rep for d in chosen if d.fix for rep in d.fix.replacements)
    loose = frozenset(
        line
        for d in chosen
        if d.fix is not None and not d.fix.safe
        for line in range(d.line, (d.end_line or d.line) + 1)
    )
    if not loose:
        return Declaration(replacements, rewrites=True)
    for table in doc.tables:
        first, last = table.start_line + 1, table.end_line
        if any(first <= line <= last for line in loose):
            loose |= frozenset(range(first, last + 1))
    return Declaration(replacements, rewrites=True, loose=loose, added=None, rows="grow")


def fix_until_stable(
    doc: Document,
    path: str,
    options: LintOptions = DEFAULT_OPTIONS,
    *,
    rounds: int = 10,
    unsafe: bool = False,
) -> tuple[str, int]:
    """Lint and fix repeatedly until no fix applies: ``(final text, fixes applied)``.

    Fixes that waited because they overlapped an earlier one are applied in later rounds; the
    result is a fixed point (fixing it again changes nothing). Every round's result is
    re-parsed and verified (:mod:`studylog_md.edit.verify`): a fix that changed more than it
    may raises :class:`~studylog_md.errors.SafetyCheckError` and nothing is returned.
    """
    from ..edit.verify import reparse, verify

    total = 0
    text = doc.dumps()
    current = doc
    for _ in range(rounds):
        found = lint_document(current, path, options)
        base, chosen = _choose_fixes(current, found, unsafe=unsafe)
        if not chosen:
            break
        declared = fix_declaration(current, chosen)
        new_text = apply_replacements(base, declared.replacements)
        if new_text == text:
            break
        total += len(chosen)
        text = new_text
        current = verify(current, reparse(current, text), declared)
    return text, total
