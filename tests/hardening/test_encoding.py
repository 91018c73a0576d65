"""Bytes that are not plain UTF-8 Markdown: invalid UTF-8, UTF-16/32, BOMs, odd line breaks.

What studylog-md does not understand it refuses with a message that names the encoding and
the fix (exit 2). What it does understand it keeps: every byte that an edit does not target
comes back exactly as it was read.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from studylog_md import Document, NotFound, Status, loads

from ._cli import (
    LOG,
    LOG_BYTES,
    FileState,
    assert_no_traceback,
    assert_untouched,
    assert_user_error,
    run_cli,
    write_log,
)

# ``LOG`` with U-Net toggled is ``data.replace(*TOGGLED_MARKER)`` for any variant of it.
TOGGLED_MARKER = ("|⬜|segmentation|".encode(), "|✅|segmentation|".encode())

# --- invalid UTF-8 ----------------------------------------------------------------------------

# Line 8 (Attention's row) carries two invalid bytes in its notes cell; line 7 is U-Net's row.
BAD_UTF8 = LOG_BYTES.replace(
    b"|Attention Is All You Need|\xe2\x9c\x85||",
    b"|Attention Is All You Need|\xe2\x9c\x85|caf\xe9 \xff|",
)


def test_lint_reports_invalid_utf8_with_its_line(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md", BAD_UTF8)
    result = run_cli("lint", "--format", "json", str(log))
    assert result.returncode == 1, result.describe()
    assert_no_traceback(result)
    found = [
        (d["line"], d["column"]) for d in json.loads(result.stdout) if d["rule"] == "invalid-utf8"
    ]
    assert found == [(8, 33), (8, 35)], result.describe()


def test_toggle_keeps_invalid_bytes_on_other_lines_and_on_its_own(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md", BAD_UTF8)
    result = run_cli("toggle", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == BAD_UTF8.replace(
        "|⬜|segmentation|".encode(), "|✅|segmentation|".encode()
    )
    # The invalid bytes sit on the edited row itself here.
    result = run_cli("toggle", str(log), "Attention")
    assert result.returncode == 0, result.describe()
    assert b"|\xe2\xac\x9c|caf\xe9 \xff|" in log.read_bytes()


def test_list_json_stays_valid_json_with_invalid_bytes(tmp_path: Path) -> None:
    log = write_log(tmp_path / "log.md", BAD_UTF8.replace(b"U-Net", b"U-N\xffet"))
    result = run_cli("list", "--format", "json", str(log))
    assert result.returncode == 0, result.describe()
    titles = [item["title"] for item in json.loads(result.stdout)]
    assert len(titles) == 3, result.describe()


def test_stray_nul_bytes_in_utf8_are_kept(tmp_path: Path) -> None:
    # A NUL right after a newline (at an even offset, as in UTF-16) and one inside a title:
    # still UTF-8 text, read and edited like any other.
    data = LOG_BYTES.replace(b"\n|Attention", b"\n\x00|Attention").replace(b"U-Net", b"U-N\x00et")
    log = write_log(tmp_path / "log.md", data)
    result = run_cli("toggle", str(log), "U-N")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == data.replace(*TOGGLED_MARKER)


# --- UTF-16, UTF-32 ---------------------------------------------------------------------------

UTF16 = {
    "utf16le-bom.md": b"\xff\xfe" + LOG.encode("utf-16-le"),
    "utf16be-bom.md": b"\xfe\xff" + LOG.encode("utf-16-be"),
    "utf16le.md": LOG.encode("utf-16-le"),
    "utf16be.md": LOG.encode("utf-16-be"),
}
UTF32_BOM = {
    "utf32le-bom.md": b"\xff\xfe\x00\x00" + LOG.encode("utf-32-le"),
    "utf32be-bom.md": b"\x00\x00\xfe\xff" + LOG.encode("utf-32-be"),
}
UTF32_NO_BOM = {
    "utf32le.md": LOG.encode("utf-32-le"),
    "utf32be.md": LOG.encode("utf-32-be"),
}


def _refused(tmp_path: Path, files: dict[str, bytes], encoding: str) -> None:
    paths = [write_log(tmp_path / name, data) for name, data in files.items()]
    before = {path: FileState.of(path) for path in paths}
    for command in ("list", "lint"):
        result = run_cli(command, *[p.name for p in paths], cwd=tmp_path)
        assert_user_error(result, "iconv")
        for path in paths:
            line = next(ln for ln in result.stderr.splitlines() if path.name in ln)
            assert f"the file is {encoding}" in line, result.describe()
            assert f"iconv -f {encoding}" in line, result.describe()
    result = run_cli("toggle", paths[0].name, "U-Net", cwd=tmp_path)
    assert_user_error(result, encoding)
    for path in paths:
        assert_untouched(path, before[path])


def test_utf16_with_and_without_bom_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, UTF16, "UTF-16")


def test_utf32_with_bom_is_refused(tmp_path: Path) -> None:
    _refused(tmp_path, UTF32_BOM, "UTF-32")


def test_utf32_without_bom_is_named_utf32(tmp_path: Path) -> None:
    _refused(tmp_path, UTF32_NO_BOM, "UTF-32")


def test_utf16_cjk_without_bom_is_named_utf16(tmp_path: Path) -> None:
    text = "# 学习日志\n\n|资源|进度|\n|---|---|\n|深度学习入门教程|⬜|\n|机器学习实战指南|✅|\n"
    log = write_log(tmp_path / "log.md", text.encode("utf-16-le"))
    result = run_cli("list", str(log))
    assert_user_error(result, "UTF-16", "iconv")


# --- BOM, line endings, odd characters --------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + LOG_BYTES, id="bom"),
        pytest.param(LOG_BYTES.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(LOG_BYTES.replace(b"\n", b"\r"), id="cr"),
        pytest.param(
            b"\xef\xbb\xbf" + LOG_BYTES.replace(b"\n", b"\r\n", 4).replace(b"\n\n", b"\r\r"),
            id="bom-mixed",
        ),
        pytest.param(LOG_BYTES.rstrip(b"\n"), id="no-final-newline"),
    ],
)
def test_toggle_keeps_bom_and_line_endings(tmp_path: Path, data: bytes) -> None:
    log = write_log(tmp_path / "log.md", data)
    result = run_cli("toggle", str(log), "U-Net")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == data.replace(*TOGGLED_MARKER)


def test_add_follows_the_neighbours_line_ending(tmp_path: Path) -> None:
    data = LOG_BYTES.replace(b"\n", b"\r\n")
    log = write_log(tmp_path / "log.md", data)
    result = run_cli("add", str(log), "--section", "Papers", "--title", "ResNet")
    assert result.returncode == 0, result.describe()
    after = log.read_bytes()
    assert after.replace("|ResNet|⬜||\r\n".encode(), b"") == data
    assert b"\n" not in after.replace(b"\r\n", b"")


# Characters that str.splitlines() (but not Markdown) treats as line breaks, and other
# control characters: inside a title they are text; they must not shift a line number.
ODD_CHARACTERS = ["\u2028", "\u2029", "\x85", "\x0c", "\x1c", "\x1d", "\x1e", "\x0b", "\x00"]


def test_odd_line_separators_do_not_shift_line_numbers(tmp_path: Path) -> None:
    text = "".join(f"|Resource {i}{ch}x|⬜|\n" for i, ch in enumerate(ODD_CHARACTERS))
    text = "|Resource|Progress|\n|---|---|\n" + text + "|Last|✅|\n"
    log = write_log(tmp_path / "log.md", text.encode())
    result = run_cli("list", "--format", "json", str(log))
    assert result.returncode == 0, result.describe()
    lines = [item["line"] for item in json.loads(result.stdout)]
    assert lines == list(range(3, 3 + len(ODD_CHARACTERS) + 1)), result.describe()
    result = run_cli("toggle", str(log), "Last")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == text.replace("|Last|✅|", "|Last|⬜|").encode()


@pytest.mark.parametrize("ch", ODD_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_odd_characters_round_trip_and_toggle_as_one_marker(ch: str) -> None:
    text = f"# Lo{ch}g\n\n|Resource|Progress|\n|---|---|\n|Al{ch}pha|⬜|\n\n- [ ] Ta{ch}sk\n"
    doc = loads(text)
    assert doc.dumps() == text
    assert len(doc.entries) == 2
    for index, status in ((0, Status.DONE), (1, Status.DONE)):
        edited = loads(text)
        edited.set_status(edited.entries[index], status)
        changed = [(a, b) for a, b in zip(text.split("\n"), edited.dumps().split("\n")) if a != b]
        assert len(changed) == 1
        before, after = changed[0]
        assert before.replace("⬜", "✅").replace("[ ]", "[x]") == after


# --- Unicode normalisation and invisible characters in titles ---------------------------------

TITLE = "Café Über Straße"


def _doc_with_title(title: str) -> Document:
    return loads(f"|Resource|Progress|\n|---|---|\n|{title}|⬜|\n|Other|⬜|\n")


@pytest.mark.parametrize(
    ("title_form", "query_form"), [("NFD", "NFC"), ("NFC", "NFD")], ids=["nfd-title", "nfc-title"]
)
def test_a_query_finds_a_title_in_another_normal_form(title_form: str, query_form: str) -> None:
    doc = _doc_with_title(unicodedata.normalize(title_form, TITLE))  # type: ignore[arg-type]
    for query in (TITLE, "café", "über straße"):
        entry = doc.find(unicodedata.normalize(query_form, query))  # type: ignore[arg-type]
        assert entry.line == 3


def test_toggle_finds_an_nfd_title_from_an_nfc_command_line(tmp_path: Path) -> None:
    data = LOG_BYTES.replace(b"U-Net", unicodedata.normalize("NFD", "Café U-Net").encode())
    log = write_log(tmp_path / "log.md", data)
    result = run_cli("toggle", str(log), unicodedata.normalize("NFC", "Café U-Net"))
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == data.replace(*TOGGLED_MARKER)


def test_a_query_does_not_match_a_different_letter() -> None:
    doc = _doc_with_title("Straße")
    with pytest.raises(NotFound):
        doc.find("Strasse x")


INVISIBLE = {
    "\u200b": "U+200B",  # zero width space
    "\u200e": "U+200E",  # left-to-right mark (in Latin text)
    "\u202e": "U+202E",  # right-to-left override
    "\u2066": "U+2066",  # left-to-right isolate
    "\ufeff": "U+FEFF",  # a BOM inside the text
}


def test_lint_flags_invisible_characters_in_titles(tmp_path: Path) -> None:
    rows = "".join(f"|Res{ch}ource {i}|⬜|\n" for i, ch in enumerate(INVISIBLE))
    log = write_log(tmp_path / "log.md", f"|Resource|Progress|\n|---|---|\n{rows}".encode())
    result = run_cli("lint", "--format", "json", str(log))
    assert result.returncode == 1, result.describe()
    found = {
        (d["line"], d["column"], d["message"].split()[2])
        for d in json.loads(result.stdout)
        if d["rule"] == "suspicious-characters"
    }
    assert found == {(3 + i, 5, code) for i, code in enumerate(INVISIBLE.values())}


def test_a_query_ignores_invisible_characters_in_a_title() -> None:
    doc = _doc_with_title("Atten\u200btion Is All You Need")
    assert doc.find("Attention").line == 3


def test_toggle_keeps_invisible_characters(tmp_path: Path) -> None:
    data = LOG_BYTES.replace(b"U-Net", "U-\u200bNet \u202eabc\u202c".encode())
    log = write_log(tmp_path / "log.md", data)
    result = run_cli("toggle", str(log), "U-")
    assert result.returncode == 0, result.describe()
    assert log.read_bytes() == data.replace(*TOGGLED_MARKER)
    # A query that matches nothing leaves the file alone.
    again = FileState.of(log)
    result = run_cli("toggle", str(log), "no such title")
    assert_user_error(result, "no entry matches")
    assert_untouched(log, again)
