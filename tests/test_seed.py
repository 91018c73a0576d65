"""The user's own log: every entry read right, quirks included."""

from __future__ import annotations

import studylog_md
from studylog_md import Status


def test_seed_counts(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    assert len(doc.entries) == 39
    assert sum(e.status is Status.DONE for e in doc.entries) == 11
    assert sum(e.status is Status.TODO for e in doc.entries) == 28
    papers = [e for e in doc.entries if e.section[-1] == "ML Papers"]
    assert len(papers) == 19
    assert sum(e.status is Status.DONE for e in papers) == 1


def test_seed_entries_in_detail(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    by_line = {e.line: e for e in doc.entries}
    unet = by_line[64]
    assert unet.title == "U-Net: Convolutional Networks for Biomedical Image Segmentation"
    assert unet.url == "https://arxiv.org/abs/1505.04597"
    assert unet.status is Status.TODO and unet.marker == "⬜"
    assert unet.section == ("AI Study Plan Resources Checklist", "ML Papers")
    assert unet.notes is not None and unet.notes.startswith("Deep Learning 4 course")
    # Line 18: "MIT OpenCourseWare: [Linear Algebra Full Course](...) |⬜ |..." (padding kept apart)
    mit = by_line[18]
    assert mit.title == "MIT OpenCourseWare: Linear Algebra Full Course"
    assert mit.marker == "⬜" and mit.notes == "for deepening knowledge/review"
    # Line 15 has only two cells (no notes): still an entry, done.
    assert by_line[15].status is Status.DONE and by_line[15].notes is None
    # Line 49/53: an extra empty cell does not confuse the notes.
    attention = by_line[53]
    assert attention.title == "Attention is all you need"
    assert attention.notes == "(Introduced transformer architecture)"
    # A title with emphasis: the plain text, no asterisks.
    assert by_line[40].title == "Textbook: Deep Learning by Goodfellow et al. (online version)"
    # A row without any link.
    assert by_line[71].url is None and by_line[71].title.startswith("STAM-SNN")


def test_heading_glued_to_table_and_rule_after_table(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    lines = {e.line: e for e in doc.entries}
    # Line 20 "### Programming Resources..." is glued to its table (line 21).
    assert lines[23].section[-1] == "Programming Resources and General Tools/Setup"
    assert lines[24].title == "PyTorch 60-Minute Blitz"
    # Line 80 "---" right after the table ending at line 79: a thematic break, not a
    # setext underline and not a row.
    kaggle = lines[79]
    assert kaggle.title == "Kaggle Datasets: Kaggle Datasets"
    assert kaggle.section[-1] == "Open Source and Community"
    table = kaggle.table
    assert table is not None and table.end_line == 79
    assert 80 not in lines


def test_seed_tables_and_columns(seed_bytes: bytes) -> None:
    doc = studylog_md.load_bytes(seed_bytes)
    assert [t.start_line + 1 for t in doc.tables] == [13, 21, 28, 51, 77, 86]
    assert all(t.status_col == 1 and t.title_col == 0 for t in doc.tables)
    assert [t.notes_col for t in doc.tables] == [2, None, 2, 2, None, 2]
    ml = doc.tables[3]
    assert [len(r.cells) for r in ml.rows][:3] == [4, 3, 3]
