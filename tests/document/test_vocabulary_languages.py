"""Status words and headers in the languages real logs are written in (issue 12)."""

from __future__ import annotations

import pytest

import studylog_md
from studylog_md import Status
from studylog_md.document.markers import DEFAULT_VOCABULARY, is_phrase

D, T, P = Status.DONE, Status.TODO, Status.IN_PROGRESS

LANGUAGES = [
    ("Status", "Done", "In progress", "Not started"),
    ("状态", "已完成", "进行中", "未开始"),
    ("進度", "已完成", "進行中", "未開始"),
    ("Estado", "completado", "en curso", "pendiente"),
    ("Situação", "concluído", "em andamento", "não iniciado"),
    ("Statut", "terminé", "en cours", "à faire"),
    ("Fortschritt", "erledigt", "in Bearbeitung", "offen"),
    ("Статус", "готово", "в процессе", "не начато"),
    ("進捗", "完了", "進行中", "未着手"),
    ("상태", "완료", "진행 중", "예정"),
]


@pytest.mark.parametrize(("header", "done", "doing", "todo"), LANGUAGES)
def test_a_status_column_in_each_language(header: str, done: str, doing: str, todo: str) -> None:
    doc = studylog_md.loads(
        f"| Resource | {header} |\n|---|---|\n| [A](https://a.example) | {done} |\n"
        f"| [B](https://b.example) | {doing} |\n| [C](https://c.example) | {todo} |\n"
    )
    assert [(e.title, e.status) for e in doc.entries] == [("A", D), ("B", P), ("C", T)]


@pytest.mark.parametrize(
    ("cell", "status", "marker"),
    [
        ("🟢 Done", D, "🟢 Done"),
        ("Done ✅", D, "Done ✅"),
        ("⏳ In progress", P, "⏳ In progress"),
        ("🔴 Not started", T, "🔴 Not started"),
        ("🟢 进行中", P, "🟢 进行中"),  # the word decides, whatever green means elsewhere
        ("✅ (2nd pass)", D, "✅"),  # a remark is not part of the marker
        ("[ ]", T, "[ ]"),
        ("[x]", D, "[x]"),
        ("[X]", D, "[X]"),
        ("[-]", P, "[-]"),
    ],
)
def test_cells_read_with_and_without_a_status_header(
    cell: str, status: Status, marker: str
) -> None:
    for words in (True, False):
        read = DEFAULT_VOCABULARY.classify(cell, words=words)
        assert (read.status, read.marker) == (status, marker)
    assert is_phrase(marker) == (" " in marker and marker[0] not in "[✅")


def test_a_linked_word_reads_as_its_text_and_toggles_in_place() -> None:
    doc = studylog_md.loads(
        "| 课程 | 状态 |\n|---|---|\n| [A](https://a.example) | [WIP](https://github.com/a) |\n"
        "| [B](https://b.example) | [CPLT](https://github.com/b) |\n"
    )
    assert [e.status for e in doc.entries] == [P, D]
    change = doc.toggle("A")
    assert (change.old, change.new) == ("WIP", "CPLT")
    assert "| [CPLT](https://github.com/a) |" in doc.dumps()
