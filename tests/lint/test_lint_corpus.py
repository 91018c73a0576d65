"""Every real log in ``../shared/corpus`` lints without an exception, with findings we reviewed.

``pytest tests/lint/test_lint_corpus.py -s`` prints a table of findings per file and rule.
The corpus files are copies taken out of their repositories, so their relative links point
at files that are not here: the summary lints with ``check_local_links=False``.
"""

from __future__ import annotations

import csv
import difflib
import functools
from collections import Counter
from pathlib import Path

import pytest

import studylog_md
from studylog_md.document.model import Document
from studylog_md.lint.diagnostic import Diagnostic
from studylog_md.lint.engine import LintOptions, apply_fixes, lint_document
from studylog_md.lint.registry import RULES

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
FILES = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
DETACHED = LintOptions(check_local_links=False)


@functools.cache
def _doc(path: Path) -> Document:
    """Each corpus file parsed once for the whole module (linting never changes a Document)."""
    return studylog_md.load(path)


def _need_corpus() -> None:
    if not FILES:
        pytest.skip("../shared/corpus is not here (a user's clone has none)")


def _lint(name: str, options: LintOptions = DETACHED) -> list[Diagnostic]:
    _need_corpus()
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus")
    return lint_document(_doc(path), str(path), options)


def _manifest_lines(name: str) -> list[int]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["file"] == name:
                lines: list[int] = []
                for part in row["malformed_lines"].split(","):
                    if "-" in part:
                        low, high = part.split("-")
                        lines.extend(range(int(low), int(high) + 1))
                    elif part.strip().isdigit():
                        lines.append(int(part))
                return lines
    raise LookupError(name)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_corpus_file_lints(path: Path) -> None:
    doc = _doc(path)
    for options in (LintOptions(), DETACHED):
        found = lint_document(doc, str(path), options)
        assert all(d.rule in RULES and d.line >= 1 and d.column >= 1 for d in found)
        assert all(d.line <= max(len(doc.lines), 1) for d in found)


def test_summary_table() -> None:
    """Findings per file and rule (run with -s to read it)."""
    _need_corpus()
    rows: list[tuple[str, Counter[str]]] = []
    for path in FILES:
        found = lint_document(_doc(path), str(path), DETACHED)
        rows.append((path.name, Counter(d.rule for d in found)))
    rules = [name for name in RULES if any(counts[name] for _, counts in rows)]
    width = max(len(name) for name, _ in rows)
    print()
    print(" " * width, *(f"{RULES[r].code:>6}" for r in rules))
    for name, counts in rows:
        print(f"{name:<{width}}", *(f"{counts[r] or '':>6}" for r in rules))
    print("codes:", ", ".join(f"{RULES[r].code} {r}" for r in rules))
    assert len(rows) == len(FILES)


def test_public_apis_malformed_rows_are_exactly_the_manifest_lines() -> None:
    name = "public-apis__public-apis__README.md"
    found = _lint(name)
    lines = [d.line for d in found if d.rule == "column-count"]
    assert lines == _manifest_lines(name)
    assert len(lines) == 83


def test_honey_speaks_tech_header_mismatch_and_empty_link_text() -> None:
    found = _lint("honey-speaks-tech__daily-tech-learnings-of-honey__README.md")
    assert [d.line for d in found if d.rule == "table-header-mismatch"] == [556]
    assert [d.line for d in found if d.rule == "empty-link-text"] == [504]
    # Rows cut off by blank lines, a table inside an HTML block, rows written as list items
    # (503-504, "malformed" in the manifest), and a header that continues a list item (501).
    assert [d.line for d in found if d.rule == "orphan-row"] == [
        429,
        431,
        437,
        440,
        451,
        462,
        473,
        501,
        503,
        504,
    ]
    # Its Resource|Progress tables leave progress empty and never write ⬜: not flagged.
    assert not [d for d in found if d.rule == "missing-status"]


def test_amitness_learning_today() -> None:
    found = _lint("amitness__learning__README.md")
    assert [(d.line, d.rule) for d in found] == [
        (487, "tracking-params"),
        (719, "missing-status"),  # a one-row table with an empty cell, in a file of ⬜
    ]


@pytest.mark.parametrize(
    "name", ["amitness__learning__README@cb5d01c.md", "amitness__learning__README@3e21008.md"]
)
def test_empty_means_not_done_logs_are_clean(name: str) -> None:
    assert _lint(name) == []


def test_persian_zero_width_non_joiners_are_not_suspicious() -> None:
    found = _lint("shieldfy__API-Security-Checklist__README-fa.md")
    assert not [d for d in found if d.rule == "suspicious-characters"]


def test_zero_width_spaces_in_japanese_titles_and_urls_are_found() -> None:
    found = _lint("jwasham__coding-interview-university__translations__README-ja.md")
    assert [(d.line, d.column) for d in found if d.rule == "suspicious-characters"] == [
        (1371, 31),
        (1371, 32),
        (1453, 21),
        (1453, 22),
    ]


def test_badges_are_not_duplicate_urls() -> None:
    # Every item of the Front-End Checklist starts with a priority badge ![High][high_img].
    found = _lint("thedaviddias__Front-End-Checklist__README.md")
    assert not [d for d in found if d.rule == "duplicate-url"]


def _changed_lines(before: str, after: str) -> set[int]:
    old, new = before.split("\n"), after.split("\n")
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal":
            changed.update(range(i1, max(i2, i1 + 1)))
    return changed


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_corpus_fixes_touch_only_their_lines_and_are_idempotent(path: Path, unsafe: bool) -> None:
    doc = _doc(path)
    found = lint_document(doc, str(path), DETACHED)
    text, count = apply_fixes(doc, found, unsafe=unsafe)
    fixable = [d for d in found if d.fix is not None and (unsafe or d.fix.safe)]
    if not fixable:
        assert (text, count) == (doc.dumps(), 0)
        return
    spans = {
        doc.position(rep.start)[0]
        for d in fixable
        for rep in d.fix.replacements  # type: ignore[union-attr]
    }
    assert _changed_lines(doc.dumps(), text) <= spans
    fixed = studylog_md.loads(text, path=str(path))
    left = lint_document(fixed, str(path), DETACHED)
    assert not [d for d in left if d.fix is not None and (unsafe or d.fix.safe)]
    assert apply_fixes(fixed, left, unsafe=unsafe) == (text, 0)
    # Safe fixes move nothing: the same entries, in the same order, with the same statuses,
    # and the same number of rendered table rows. Unsafe ones may add entries (rows that
    # orphan-row rejoined to their table), in between the old ones.
    before = [(e.title, e.status) for e in doc.entries]
    after = [(e.title, e.status) for e in fixed.entries]
    if not unsafe:
        assert after == before
        assert sum(1 + len(t.rows) for t in fixed.tables) == sum(
            1 + len(t.rows) for t in doc.tables
        )
    elif any(d.rule == "orphan-row" for d in fixable):
        remaining = iter(after)
        assert all(entry in remaining for entry in before)  # a subsequence
        assert len(after) > len(before)

    else:
        assert after == before


# Entries per file (total, done, to do, in progress, unknown), checked against the manifest's
# marker counts: amitness/learning today writes ✅×420 and ⬜×99, plus counts such as `1/7`
# and one empty cell in a file of ⬜ (line 719: unknown, not guessed); the task lists match
# their [ ]/[x] counts; feature matrices, the emoji cheat sheet, the 🔒 LeetCode lists and the
# curricula without a status column yield none.
COUNTS = {
    "Psyhackological__freeCodeCamp__README.md": (415, 207, 208, 0, 0),
    "ZuzooVn__machine-learning-for-software-engineers__README-pt-BR.md": (65, 1, 64, 0, 0),
    "ZuzooVn__machine-learning-for-software-engineers__README-zh-CN.md": (142, 1, 141, 0, 0),
    "ZuzooVn__machine-learning-for-software-engineers__README-zh-TW.md": (143, 1, 142, 0, 0),
    "ZuzooVn__machine-learning-for-software-engineers__README.md": (155, 1, 154, 0, 0),
    "amitness__learning__README.md": (529, 420, 103, 5, 1),
    "amitness__learning__README@23d66a3.md": (212, 40, 172, 0, 0),
    "amitness__learning__README@3e21008.md": (177, 145, 32, 0, 0),
    "amitness__learning__README@cb5d01c.md": (152, 120, 32, 0, 0),
    "honey-speaks-tech__daily-tech-learnings-of-honey__README.md": (2, 0, 2, 0, 0),
    "ikatyang__emoji-cheat-sheet__README.md": (0, 0, 0, 0, 0),
    "jsx-eslint__eslint-plugin-react__README.md": (0, 0, 0, 0, 0),
    "jwasham__coding-interview-university__README.md": (463, 0, 463, 0, 0),
    "jwasham__coding-interview-university__translations__README-ar.md": (505, 0, 505, 0, 0),
    "jwasham__coding-interview-university__translations__README-bn.md": (84, 0, 84, 0, 0),
    "jwasham__coding-interview-university__translations__README-ja.md": (457, 0, 457, 0, 0),
    "jwasham__coding-interview-university__translations__README-tw.md": (506, 0, 506, 0, 0),
    "kamyu104__LeetCode-Solutions__README.md": (0, 0, 0, 0, 0),
    "ossu__computer-science__README.md": (0, 0, 0, 0, 0),
    "ossu__computer-science__extras__readings.md": (0, 0, 0, 0, 0),
    "public-apis__public-apis__README.md": (0, 0, 0, 0, 0),
    "shieldfy__API-Security-Checklist__README-fa.md": (64, 0, 64, 0, 0),
    "shieldfy__API-Security-Checklist__README-zh.md": (79, 0, 79, 0, 0),
    "shieldfy__API-Security-Checklist__README.md": (64, 0, 64, 0, 0),
    "sindresorhus__eslint-plugin-unicorn__readme.md": (0, 0, 0, 0, 0),
    "thedaviddias__Front-End-Checklist__README.md": (100, 0, 100, 0, 0),
}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_counts(path: Path) -> None:
    entries = _doc(path).entries
    statuses = [e.status.value for e in entries]
    found = (len(entries), *(statuses.count(s) for s in ("done", "todo", "in-progress", "unknown")))
    assert found == COUNTS[path.name]


def test_cross_section_repeats_are_not_duplicates_and_exact_repeats_are_one_finding() -> None:
    # freeCodeCamp lists a course's videos in a summary and again, linked, under the course.
    assert not [d for d in _lint("Psyhackological__freeCodeCamp__README.md") if "dup" in d.rule]
    # A book and a video series both called "Machine Learning for Hackers".
    found = _lint("ZuzooVn__machine-learning-for-software-engineers__README.md")
    assert [d.rule for d in found if d.line == 258] == []
    # "Cracking the Coding Interview" twice with one URL: one finding, not two.
    found = _lint("jwasham__coding-interview-university__translations__README-tw.md")
    assert [d.rule for d in found if d.line == 1266] == ["duplicate-url"]


def test_an_empty_cell_in_a_file_of_todo_markers_is_unknown_with_a_reason() -> None:
    _need_corpus()
    path = CORPUS / "amitness__learning__README.md"
    entry = {e.line: e for e in _doc(path).entries}[719]
    assert entry.status.value == "unknown" and entry.status_reason is not None
