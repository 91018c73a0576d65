"""Coverage-guided fuzzing of the byte round trip, the linter and status changes (atheris).

For every input the target checks:

* ``load_bytes`` either refuses it with a :class:`~studylog_md.StudylogError` (UTF-16/32,
  binary) or gives back exactly the same bytes from ``to_bytes()``;
* ``lint_document`` and ``fix_until_stable`` raise nothing, and fixing a fixed text changes
  nothing;
* changing an entry's status either is refused with a ``StudylogError`` or changes that
  entry's marker and no other character of the file.

Any other exception, or a changed byte, is a crash that libFuzzer saves as ``crash-*``.
See ``fuzz/README.md`` for how to run it; without atheris installed, ``python
fuzz/fuzz_roundtrip.py FILE...`` replays files through the same checks.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import atheris  # type: ignore[import-not-found,import-untyped,unused-ignore]
except ImportError:  # replay mode only
    atheris = None

if atheris is not None:
    with atheris.instrument_imports():
        from studylog_md import Status, StudylogError, load_bytes, loads
        from studylog_md.document._lines import split_lines
        from studylog_md.lint.engine import fix_until_stable, lint_document
else:
    from studylog_md import Status, StudylogError, load_bytes, loads
    from studylog_md.document._lines import split_lines
    from studylog_md.lint.engine import fix_until_stable, lint_document

# Each input is parsed once per status change; a handful keeps an iteration fast.
MAX_EDITS = 4


def check(data: bytes) -> None:
    """Run every check on one input; raises AssertionError (or the bug's own exception)."""
    try:
        doc = load_bytes(data)
    except StudylogError:
        return
    if doc.to_bytes() != data:
        raise AssertionError("load_bytes(data).to_bytes() != data")
    text = doc.dumps()
    lint_document(doc, "fuzz.md")
    fixed, _count = fix_until_stable(doc, "fuzz.md")
    refixed, count = fix_until_stable(loads(fixed), "fuzz.md")
    if count or refixed != fixed:
        raise AssertionError("fix is not idempotent")
    for index in range(min(len(doc.entries), MAX_EDITS)):
        _check_edit(text, index)


def _check_edit(text: str, index: int) -> None:
    doc = loads(text)
    entry = doc.entries[index]
    target = Status.TODO if entry.status is Status.DONE else Status.DONE
    line, start, end = entry.marker_line, entry.marker_start, entry.marker_end
    try:
        change = doc.set_status(entry, target)
    except StudylogError:
        if doc.dumps() != text:
            raise AssertionError("a refused edit changed the text") from None
        return
    before = _lines(text)
    after = _lines(doc.dumps())
    if len(before) != len(after):
        raise AssertionError("a status change added or removed a line")
    for number, (old, new) in enumerate(zip(before, after)):
        if old == new:
            continue
        if number != line or new != old[:start] + change.new + old[end:]:
            raise AssertionError(f"a status change touched line {number + 1} beyond its marker")


def _lines(text: str) -> list[str]:
    lines, endings = split_lines(text)
    return [a + b for a, b in zip(lines, endings)]


def test_one_input(data: bytes) -> None:
    """The libFuzzer entry point."""
    check(data)


def replay(paths: list[str]) -> int:
    """Run the checks on files (a crash reproducer, or a corpus) without atheris."""
    for name in paths:
        path = Path(name)
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                check(file.read_bytes())
                print(f"ok {file}")
    return 0


def main() -> None:
    """Fuzz with atheris (libFuzzer flags pass through), or replay files without it."""
    if atheris is None:
        sys.exit(replay(sys.argv[1:]))
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
