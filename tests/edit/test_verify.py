"""The one check every write goes through (``edit/verify.py``), and each writer forced to fail.

Every writer is run with a deliberately wrong replacement injected into what it is about to
write (it also turns another entry's ✅ into ⬜, without declaring it): the run must stop with
exit 3 (SafetyCheckError), name the entry, say it is a bug, and leave the file's bytes as
they were.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import studylog_md
from studylog_md import Status
from studylog_md.cli import main
from studylog_md.document.model import Document
from studylog_md.document.replace import Replacement, apply_replacements
from studylog_md.edit.verify import Declaration, Expect, verify
from studylog_md.errors import SafetyCheckError

LOG = (
    "# Log\n"
    "\n"
    "<!-- studylog-md:stats -->\n"
    "<!-- /studylog-md:stats -->\n"
    "\n"
    "## Papers\n"
    "\n"
    "|Resource|Progress|Notes|\n"
    "|---|---|---|\n"
    "|[U-Net](https://arxiv.org/abs/1505.04597)|⬜|segmentation|\n"
    "|[ResNet](https://arxiv.org/abs/1512.03385)|✅|extra|\n"
    "|Attention Is All You Need|✅|\n"
    "\n"
    "## Tasks\n"
    "\n"
    "- [ ] Write the summary\n"
)
RESNET_LINE = 11  # 1-based: the entry the injected replacement breaks


def _wrong(doc: Document) -> Replacement:
    """Turn ResNet's ✅ into ⬜: a change no writer here declares."""
    entry = next(e for e in doc.entries if e.title == "ResNet")
    base = doc.line_offset(entry.marker_line)
    return Replacement(base + entry.marker_start, base + entry.marker_end, "⬜")


# -- verify itself --------------------------------------------------------------------------


def test_a_declared_status_change_passes_and_returns_the_new_parse() -> None:
    doc = studylog_md.loads(LOG)
    entry = doc.find("U-Net")
    base = doc.line_offset(entry.marker_line)
    rep = Replacement(base + entry.marker_start, base + entry.marker_end, "✅")
    declared = Declaration((rep,), entries={entry.line: Expect(status=Status.DONE)})
    after = verify(doc, apply_replacements(doc.dumps(), [rep]), declared)
    assert after.find("U-Net").status is Status.DONE


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda doc: _wrong(doc), "line 11 ('ResNet')"),
        # A title's visible text, a link target, a row that stops being a row.
        (lambda doc: Replacement(doc.line_offset(10) + 2, doc.line_offset(10) + 4, "Ri"), "title"),
        (
            lambda doc: Replacement(
                doc.line_offset(10) + 16, doc.line_offset(10) + 21, "example.org/x"
            ),
            "links",
        ),
        (
            lambda doc: Replacement(doc.line_offset(11), doc.line_offset(11), "\n"),
            "line 12 ('Attention Is All You Need') is no longer an entry",
        ),
    ],
)
def test_an_undeclared_change_is_a_bug_that_names_the_entry(
    change: Callable[[Document], Replacement], words: str
) -> None:
    doc = studylog_md.loads(LOG)
    rep = change(doc)
    with pytest.raises(SafetyCheckError) as caught:
        verify(doc, apply_replacements(doc.dumps(), [rep]), Declaration((rep,)))
    message = str(caught.value)
    assert words in message
    assert "nothing was written" in message and "bug" in message


def test_rows_of_a_table_that_is_not_a_log_are_checked_too() -> None:
    doc = studylog_md.loads("|a|b|\n|-|-|\n|1|2|\n|3|4|\n")
    rep = Replacement(doc.line_offset(3), doc.line_offset(3), "\n")
    with pytest.raises(SafetyCheckError, match="line 4 is no longer a table row"):
        verify(doc, apply_replacements(doc.dumps(), [rep]), Declaration((rep,)))


def test_text_that_is_not_what_the_replacements_make_is_refused() -> None:
    doc = studylog_md.loads(LOG)
    with pytest.raises(SafetyCheckError, match="not what the edit's replacements make"):
        verify(doc, doc.dumps() + "x", Declaration(()))


def test_an_added_entry_must_be_declared_as_it_reads() -> None:
    doc = studylog_md.loads(LOG)
    at = doc.line_offset(12)
    rep = Replacement(at, at, "|New|⬜||\n")
    good = Declaration((rep,), added=(Expect(title="New", status=Status.TODO),))
    assert len(verify(doc, apply_replacements(doc.dumps(), [rep]), good).entries) == 5
    bad = Declaration((rep,), added=(Expect(title="New", status=Status.DONE),))
    with pytest.raises(SafetyCheckError, match="status reads todo, not done"):
        verify(doc, apply_replacements(doc.dumps(), [rep]), bad)


# -- every writer, forced to fail -------------------------------------------------------------


def _inject_into_declaration(module: Any, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrap ``module.name(doc, declared)`` so the declaration carries one wrong replacement."""
    original = getattr(module, name)

    def wrapped(doc: Document, declared: Declaration) -> Any:
        bad = declared._replace(replacements=(*declared.replacements, _wrong(doc)))
        return original(doc, bad)

    monkeypatch.setattr(module, name, wrapped)


def _assert_refused(path: Path, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    err = capsys.readouterr().err
    assert code == 3, err
    assert "safety check failed, nothing was written" in err
    assert "line 11 ('ResNet')" in err
    assert "bug" in err
    assert path.read_bytes() == LOG.encode()


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.md"
    path.write_bytes(LOG.encode())
    return path


def test_toggle_forced_to_fail(
    log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studylog_md.edit import status

    _inject_into_declaration(status, "apply_edit", monkeypatch)
    _assert_refused(log, main(["toggle", str(log), "U-Net"]), capsys)


def test_add_forced_to_fail(
    log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studylog_md.edit import add

    _inject_into_declaration(add, "apply_edit", monkeypatch)
    code = main(["add", str(log), "--section", "Papers", "--title", "BERT"])
    _assert_refused(log, code, capsys)


def test_fix_forced_to_fail(
    log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studylog_md.lint import engine

    original = engine.fix_declaration

    def wrapped(doc: Document, chosen: Any) -> Declaration:
        declared = original(doc, chosen)
        return declared._replace(replacements=(*declared.replacements, _wrong(doc)))

    monkeypatch.setattr(engine, "fix_declaration", wrapped)
    # The log has a short row (column-count, a safe fix), so `fix` has something to do.
    _assert_refused(log, main(["fix", str(log)]), capsys)


def test_stats_write_forced_to_fail(
    log: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studylog_md.progress import stats

    original = stats.update_block

    def wrapped(doc: Document, **kwargs: Any) -> Any:
        update = original(doc, **kwargs)
        replacements = (*update.replacements, _wrong(doc))
        text = apply_replacements(doc.dumps(), replacements)
        return stats.BlockUpdate(text, True, update.blocks, replacements)

    monkeypatch.setattr(stats, "update_block", wrapped)
    _assert_refused(log, main(["stats", "--write", str(log)]), capsys)


def test_save_forced_to_fail(log: Path) -> None:
    doc = studylog_md.load(log)
    # A change to the text that bypasses the edit functions (and so the model): the bytes
    # save() would write no longer say what the document says.
    rep = _wrong(doc)
    doc.lines[RESNET_LINE - 1] = apply_replacements(doc.dumps(), [rep]).split("\n")[RESNET_LINE - 1]
    with pytest.raises(SafetyCheckError, match=r"line 11 \('ResNet'\)"):
        doc.save()
    assert log.read_bytes() == LOG.encode()


def test_the_writers_work_without_the_injection(log: Path) -> None:
    assert main(["toggle", str(log), "U-Net"]) == 0
    assert main(["add", str(log), "--section", "Papers", "--title", "BERT"]) == 0
    assert main(["stats", "--write", str(log)]) == 0
    assert main(["fix", str(log)]) == 1
    doc = studylog_md.load(log)
    assert [(e.title, e.status) for e in doc.entries] == [
        ("U-Net", Status.DONE),
        ("ResNet", Status.DONE),
        ("Attention Is All You Need", Status.DONE),
        ("BERT", Status.TODO),
        ("Write the summary", Status.TODO),
    ]


# -- issue 17: save twice, stale and foreign entries, lone surrogates --------------------------


def test_a_second_save_after_a_successful_one_works(log: Path) -> None:
    doc = studylog_md.load(log)
    doc.toggle("U-Net")
    assert doc.save() is True
    doc.toggle("Write the summary")
    assert doc.save() is True
    assert studylog_md.load(log).find("Write the summary").status is Status.DONE
    # A change by another program in between is still refused, not overwritten.
    log.write_bytes(log.read_bytes() + b"\n")
    doc.toggle("U-Net")
    with pytest.raises(studylog_md.errors.FileChangedError):
        doc.save()


def test_stale_foreign_and_hand_made_entries_are_refused() -> None:
    doc = studylog_md.loads(LOG)
    other = studylog_md.loads(LOG)
    stale = doc.find("Write the summary")
    doc.add_entry("Papers", "BERT")
    with pytest.raises(studylog_md.EditError, match="before the document's last edit"):
        doc.set_status(stale, Status.DONE)
    with pytest.raises(studylog_md.EditError, match="another document"):
        doc.set_status(other.find("Write the summary"), Status.DONE)
    past_the_end = studylog_md.document.model.Entry(
        "x", None, (), Status.TODO, "[ ]", None, None, (), 999, 1, "task", marker_line=998
    )
    with pytest.raises(studylog_md.EditError, match="not read from a document"):
        doc.set_status(past_the_end, Status.DONE)
    assert doc.dumps().count("[x]") == 0  # nothing was ticked


def test_a_lone_high_surrogate_is_refused_at_load_time() -> None:
    with pytest.raises(studylog_md.EncodingError, match=r"line 2, column 3: .*U\+D83D"):
        studylog_md.loads("# Log\n- \ud83d [ ] x\n")
    # Undecodable bytes (kept as U+DC80-U+DCFF) still load and write back as they were.
    assert studylog_md.loads("a\udcff\n").to_bytes() == b"a\xff\n"


@pytest.mark.parametrize("url", ["https://a.example/x y", "https://a.example/a)b", "a&amp;b"])
def test_add_refuses_a_url_that_would_not_link_where_asked(url: str) -> None:
    doc = studylog_md.loads(LOG)
    with pytest.raises(studylog_md.EditError, match="percent-encode"):
        doc.add_entry("Papers", "BERT", url=url)
    assert doc.dumps() == LOG
