"""``studylog-md stats``: counts, the summary block (--write/--check) and the badge."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import click
import pytest
from shared_paths import SHARED

import studylog_md
from studylog_md.cli import main
from studylog_md.progress import badge
from studylog_md.progress.block import END_MARKER, START_MARKER, find_blocks
from studylog_md.progress.stats import (
    Counts,
    bar,
    count_entries,
    display_width,
    truncate,
)

SEED = SHARED / "seed" / "STUDY_LOG.md"

LOG = (
    "# Study Log\n"
    "\n"
    "## Books\n"
    "\n"
    "|Resource|Progress|Notes|\n"
    "|---|---|---|\n"
    "|[SICP](https://example.org/sicp)|✅|classic|\n"
    "|[HtDP](https://example.org/htdp)|⬜||\n"
    "|[TAOCP](https://example.org/taocp)|⬜||\n"
    "\n"
    "## Courses\n"
    "\n"
    "- [x] Linear algebra\n"
    "- [ ] Calculus\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["stats", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def seed() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the shared seed log is not here ({SEED})")
    return SEED


def with_block(text: str, newline: str = "\n", bom: bool = False) -> bytes:
    """``text`` with an empty summary block after its first line, in ``newline`` endings."""
    first, rest = text.split("\n", 1)
    body = f"{first}\n\n{START_MARKER}\n{END_MARKER}\n\n{rest}".replace("\n", newline)
    return (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8")


# -- counting ---------------------------------------------------------------------------------


def test_seed_numbers_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, seed(), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["total"], data["done"], data["todo"]) == (39, 11, 28)
    assert (data["in_progress"], data["unknown"]) == (0, 0)
    assert data["percent"] == 28.2
    papers = [s for s in data["sections"] if s["section"][-1] == "ML Papers"]
    assert len(papers) == 1
    assert (papers[0]["done"], papers[0]["total"]) == (1, 19)
    assert papers[0]["section"] == ["AI Study Plan Resources Checklist", "ML Papers"]
    assert sum(s["total"] for s in data["sections"]) == 39
    assert [f["file"] for f in data["files"]] == [str(SEED)]


def test_several_files_add_up(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text(LOG, encoding="utf-8")
    code, out, _ = run(capsys, seed(), other, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["total"], data["done"]) == (39 + 5, 11 + 2)
    assert [(f["file"], f["total"]) for f in data["files"]] == [(str(SEED), 39), (str(other), 5)]
    assert {s["file"] for s in data["sections"]} == {str(SEED), str(other)}


def test_text_output_is_aligned_and_plain_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_text(LOG, encoding="utf-8")
    code, out, _ = run(capsys, log)
    assert code == 0
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0].startswith("Section")
    books = next(line for line in lines if line.startswith("Study Log › Books"))
    total = lines[-1]
    assert total.split()[:3] == ["Total", "2/5", "40%"]
    assert books.split()[-3:-1] == ["1/3", "33%"]
    # The numbers line up: the "%" column ends at the same place on every row.
    assert books.index("33%") + 3 == total.index("40%") + 3 == lines[0].index("%") + 1
    assert "██████░░░░░░░░░░░░░░" in books  # 1 of 3 done, 20 cells wide, rounded down
    assert "████████░░░░░░░░░░░░" in total  # 2 of 5


def test_several_files_prefix_sections_with_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "a.md").write_text(LOG, encoding="utf-8")
    (tmp_path / "b.md").write_text(LOG, encoding="utf-8")
    code, out, _ = run(capsys, tmp_path / "a.md", tmp_path / "b.md")
    assert code == 0
    # The front of a long path gives way first, so the file's name stays.
    assert "b.md: … › Courses" in out
    assert out.splitlines()[-1].split()[:3] == ["Total", "4/10", "40%"]


def test_by_top_groups_under_the_headings_below_the_shared_title(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, seed(), "--format", "json", "--by", "top")
    assert code == 0
    data = json.loads(out)
    # The seed has two H1 parts with entries; nothing is shared, so they are the groups.
    assert [(s["section"], s["done"], s["total"]) for s in data["sections"]] == [
        (["AI Study Plan Resources Checklist"], 10, 37),
        (["System Design Study Plan"], 1, 2),
    ]
    doc = studylog_md.loads(LOG)
    top = count_entries(doc.entries, by="top")
    assert [(s.section, s.counts.total) for s in top.sections] == [
        (("Study Log", "Books"), 3),
        (("Study Log", "Courses"), 2),
    ]


def test_missing_file_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, tmp_path / "nope.md")
    assert code == 2
    assert "nope.md" in err


def test_counts_and_bars() -> None:
    counts = Counts(done=2, todo=2, in_progress=1)
    assert (counts.total, counts.percent, counts.whole_percent) == (5, 40.0, 40)
    assert bar(counts, 10) == "████░░░░░░"
    # 199 of 200 is not "100%" and its bar is not full.
    almost = Counts(done=199, todo=1)
    assert almost.whole_percent == 99
    assert bar(almost, 10) == "█████████░"
    assert bar(Counts(), 4) == "░░░░"
    assert Counts().percent == 0.0


def test_width_helpers_count_wide_characters_twice() -> None:
    assert display_width("漢字ab") == 6
    assert truncate("漢字漢字", 5) == "漢字…"
    assert truncate("short", 10) == "short"
    assert display_width(truncate("a" * 50, 20)) == 20


# -- the summary block ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("newline", "bom"), [("\n", False), ("\r\n", False), ("\r\n", True), ("\n", True)]
)
def test_write_fills_only_the_block_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, newline: str, bom: bool
) -> None:
    log = tmp_path / "log.md"
    original = with_block(LOG, newline, bom)
    log.write_bytes(original)
    start = START_MARKER.encode() + newline.encode()
    end = END_MARKER.encode() + newline.encode()
    prefix = original[: original.index(start) + len(start)]
    suffix = original[original.index(end) :]

    code, out, _ = run(capsys, log, "--write")
    assert code == 0
    assert "updated" in out
    written = log.read_bytes()
    assert written.startswith(prefix)
    assert written.endswith(suffix)
    block = written[len(prefix) : len(written) - len(suffix)].decode("utf-8")
    assert block.startswith(newline) and block.endswith(newline * 2)
    if newline == "\r\n":
        assert "\n" not in block.replace("\r\n", "")
        assert "\r" not in block.replace("\r\n", "")
    assert written.startswith(b"\xef\xbb\xbf") == bom
    assert written.count(b"\xef\xbb\xbf") == int(bom)
    lines = block.split(newline)
    assert "| Section | Done | Progress |" in lines
    assert "| Study Log › Books | 1/3 | ███░░░░░░░ 33% |" in lines
    assert "| Study Log › Courses | 1/2 | █████░░░░░ 50% |" in lines
    assert "| **Total** | **2/5** | ████░░░░░░ 40% |" in lines

    # Again: nothing changes, byte for byte, and the block does not count itself.
    code, out, _ = run(capsys, log, "--write")
    assert code == 0
    assert "up to date" in out
    assert log.read_bytes() == written
    code, out, _ = run(capsys, log, "--check")
    assert code == 0
    code, out, _ = run(capsys, log, "--format", "json")
    assert (json.loads(out)["total"], json.loads(out)["done"]) == (5, 2)


def test_the_block_table_is_not_counted_even_when_the_parser_sees_entries_in_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_bytes(with_block(LOG))
    assert run(capsys, log, "--write")[0] == 0
    doc = studylog_md.load(log)
    (start, end), *_ = find_blocks(doc)
    inside = [e for e in doc.entries if start < e.line - 1 < end]
    # The parser may read the block's "Done" column ("1/3") as partial progress; counting
    # must not depend on that, so stats excludes the block explicitly.
    code, out, _ = run(capsys, log, "--format", "json")
    assert code == 0
    assert json.loads(out)["total"] == len(doc.entries) - len(inside) == 5


def test_check_reports_stale_and_fresh_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_bytes(with_block(LOG))
    before = log.read_bytes()
    code, out, _ = run(capsys, log, "--check")
    assert code == 1
    assert "stale" in out and "--write" in out
    assert log.read_bytes() == before

    assert run(capsys, log, "--write")[0] == 0
    assert run(capsys, log, "--check")[0] == 0

    # Finish one more entry: the block is stale again.
    text = log.read_text(encoding="utf-8").replace(
        "|[HtDP](https://example.org/htdp)|⬜|", "|[HtDP](https://example.org/htdp)|✅|"
    )
    log.write_text(text, encoding="utf-8")
    fresh = log.read_bytes()
    assert run(capsys, log, "--check")[0] == 1
    assert log.read_bytes() == fresh
    assert run(capsys, log, "--write")[0] == 0
    assert "| **Total** | **3/5** | ██████░░░░ 60% |" in log.read_text(encoding="utf-8")


def test_write_keeps_the_file_mode(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "log.md"
    log.write_bytes(with_block(LOG))
    log.chmod(0o640)
    assert run(capsys, log, "--write")[0] == 0
    assert stat.S_IMODE(log.stat().st_mode) == 0o640


def test_no_block_is_exit_2_with_instructions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_text(LOG, encoding="utf-8")
    for option in ("--write", "--check"):
        code, _, err = run(capsys, log, option)
        assert code == 2
        assert START_MARKER in err and END_MARKER in err
    assert log.read_text(encoding="utf-8") == LOG


def test_markers_in_a_code_fence_are_examples_not_a_block(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    text = LOG + f"\n```markdown\n{START_MARKER}\n{END_MARKER}\n```\n"
    log.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, log, "--write")
    assert code == 2
    assert "no summary block" in err
    assert log.read_text(encoding="utf-8") == text


def test_unclosed_block_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "log.md"
    text = f"{START_MARKER}\n" + LOG
    log.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, log, "--write")
    assert code == 2
    assert "never closed" in err
    assert log.read_text(encoding="utf-8") == text


def test_write_and_check_together_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_bytes(with_block(LOG))
    assert run(capsys, log, "--write", "--check")[0] == 2
    assert log.read_bytes() == with_block(LOG)


def test_write_on_a_copy_of_the_seed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "STUDY_LOG.md"
    data = seed().read_bytes()
    head, rest = data.split(b"\n", 1)
    log.write_bytes(head + b"\n" + with_block("x\n")[2:] + rest)
    assert run(capsys, log, "--write")[0] == 0
    text = log.read_text(encoding="utf-8")
    assert "| AI Study Plan Resources Checklist › ML Papers | 1/19 | ░░░░░░░░░░ 5% |" in text
    assert "| **Total** | **11/39** | ██░░░░░░░░ 28% |" in text
    assert run(capsys, log, "--check")[0] == 0


# -- the badge --------------------------------------------------------------------------------


def test_badge_for_the_seed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "badge.json"
    code, out, _ = run(capsys, seed(), "--badge", target)
    assert code == 0
    assert f"wrote {target}" in out
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data == {"schemaVersion": 1, "label": "studied", "message": "11/39", "color": "orange"}
    first = target.read_bytes()
    assert run(capsys, seed(), "--badge", target, "--label", "papers read")[0] == 0
    assert json.loads(target.read_text(encoding="utf-8"))["label"] == "papers read"
    assert run(capsys, seed(), "--badge", target)[0] == 0
    assert target.read_bytes() == first  # deterministic
    assert [p.name for p in tmp_path.iterdir()] == ["badge.json"]  # no temp file left


@pytest.mark.parametrize(
    ("done", "total", "colour"),
    [
        (0, 0, "lightgrey"),
        (0, 4, "red"),
        (24, 100, "red"),
        (25, 100, "orange"),
        (49, 100, "orange"),
        (50, 100, "yellow"),
        (75, 100, "yellowgreen"),
        (99, 100, "yellowgreen"),
        (100, 100, "brightgreen"),
    ],
)
def test_badge_colour_by_percent(done: int, total: int, colour: str) -> None:
    counts = Counts(done=done, todo=total - done)
    assert badge.colour(counts) == colour
    assert badge.badge(counts)["message"] == f"{done}/{total}"


def test_badge_into_a_missing_folder_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, seed(), "--badge", tmp_path / "missing" / "badge.json")
    assert code == 2
    assert "could not write" in err


def test_stats_runs_as_a_real_process(tmp_path: Path) -> None:
    import subprocess
    import sys

    log = tmp_path / "log.md"
    log.write_text(LOG, encoding="utf-8")
    exe = shutil.which("studylog-md") or ""
    args = [exe] if exe else [sys.executable, "-m", "studylog_md"]
    done = subprocess.run(
        [*args, "stats", str(log), "--format", "json"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 5


def test_skip_missing_passes_over_files_without_a_block(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = tmp_path / "CHANGELOG.md"
    plain.write_text("# Changes\n", encoding="utf-8")
    log = tmp_path / "log.md"
    log.write_bytes(with_block(LOG))
    code, out, err = run(capsys, plain, log, "--check", "--skip-missing")
    assert code == 1  # the log's block is stale; the changelog is not an error
    assert "CHANGELOG" not in out + err
    assert run(capsys, plain, log, "--write", "--skip-missing")[0] == 0
    assert plain.read_text(encoding="utf-8") == "# Changes\n"
    assert run(capsys, plain, log, "--check", "--skip-missing")[0] == 0
    assert run(capsys, plain, log, "--check")[0] == 2


def test_a_block_in_a_list_item_keeps_its_indentation(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "log.md"
    log.write_text(LOG + f"\n- Summary:\n\n  {START_MARKER}\n  {END_MARKER}\n", encoding="utf-8")
    assert run(capsys, log, "--write")[0] == 0
    text = log.read_text(encoding="utf-8")
    assert "\n  | **Total** | **2/5** | ████░░░░░░ 40% |\n" in text
    assert run(capsys, log, "--check")[0] == 0


def test_colour_only_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    from studylog_md.cli.stats_cmd import _print_text
    from studylog_md.progress.stats import combine, file_stats

    report = combine([file_stats(studylog_md.loads(LOG))])
    _print_text(report, color=True)
    coloured = capsys.readouterr().out
    _print_text(report, color=False)
    plain = capsys.readouterr().out
    assert "\x1b[32m" in coloured  # the green part of the bars
    assert "\x1b[" not in plain
    assert click.unstyle(coloured) == plain


@pytest.mark.slow  # writes and re-reads a block in all 26 real logs (~1.7 s)
def test_block_round_trip_on_every_corpus_file() -> None:
    from studylog_md.document._lines import decode, dominant_newline, encode, split_lines
    from studylog_md.progress.stats import file_stats, update_block

    corpus = SHARED / "corpus"
    files = sorted(corpus.glob("*.md")) if corpus.is_dir() else []
    if not files:
        pytest.skip(f"the shared corpus is not here ({corpus})")
    for path in files:
        data = path.read_bytes()
        text, _ = decode(data)
        endings = split_lines(text)[1]
        nl = dominant_newline(endings).encode()
        # A block at the very end, after a file that may lack a final newline.
        original = data + (nl if endings and endings[-1] == "" else b"") + nl
        original += START_MARKER.encode() + nl + END_MARKER.encode() + nl
        doc = studylog_md.load_bytes(original)
        first = update_block(doc)
        written = encode(first.text, doc.bom)
        assert written.startswith(original[: -len(END_MARKER) - len(nl)]), path.name
        assert written.endswith(nl + END_MARKER.encode() + nl), path.name
        again = studylog_md.load_bytes(written)
        assert not update_block(again).changed, path.name
        assert file_stats(again).counts == file_stats(doc).counts, path.name
