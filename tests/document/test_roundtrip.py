"""Bytes in, same bytes out: fixtures, the seed, the corpus, the spec examples, and variants."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from shared_paths import CORPUS, EXAMPLE, FIXTURES, SEED, SPEC, corpus_files

import studylog_md


def variants(data: bytes) -> dict[str, bytes]:
    """The file as it is, and as CRLF, CR, with a BOM, and without its final newline."""
    lf = data.replace(b"\r\n", b"\n")
    return {
        "as-is": data,
        "crlf": lf.replace(b"\n", b"\r\n"),
        "cr": lf.replace(b"\n", b"\r"),
        "bom": b"\xef\xbb\xbf" + data,
        "no-final-newline": data.rstrip(b"\r\n"),
        "mixed": b"".join(
            line + (b"\r\n" if i % 2 else b"\n") for i, line in enumerate(lf.split(b"\n"))
        ),
    }


def assert_same(got: bytes, want: bytes, name: str) -> None:
    if got != want:
        diff = "".join(
            difflib.unified_diff(
                want.decode("utf-8", "replace").splitlines(True),
                got.decode("utf-8", "replace").splitlines(True),
                "input",
                "output",
            )
        )
        pytest.fail(f"{name} did not round-trip:\n{diff[:4000]}")


def files() -> list[Path]:
    found = sorted(FIXTURES.rglob("*.md")) + [EXAMPLE]
    if SEED.is_file():
        found.append(SEED)
    return found


def _round_trips(path: Path, name: str, data: bytes) -> None:
    doc = studylog_md.load_bytes(data, path=str(path))
    assert_same(doc.to_bytes(), data, f"{path.name} ({name})")
    # dumps() + the BOM flag is the same information
    assert doc.dumps().encode("utf-8", "surrogateescape") == data.removeprefix(b"\xef\xbb\xbf")


@pytest.mark.parametrize("path", files(), ids=lambda p: p.name)
def test_file_round_trips_in_every_variant(path: Path) -> None:
    for name, data in variants(path.read_bytes()).items():
        _round_trips(path, name, data)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_real_log_round_trips(path: Path) -> None:
    """Every real log, as it is (the default tier); the variants of each are in the slow tier."""
    _round_trips(path, "as-is", path.read_bytes())


@pytest.mark.slow  # five more parses of each of the 26 real logs: ~20 s
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_real_log_round_trips_in_every_variant(path: Path) -> None:
    for name, data in variants(path.read_bytes()).items():
        if name != "as-is":
            _round_trips(path, name, data)


def test_corpus_is_present_or_skipped() -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    assert len(corpus_files()) >= 20


@pytest.mark.parametrize("name", ["commonmark-0.31.2-examples.json", "gfm-0.29-examples.json"])
def test_spec_examples_round_trip(name: str) -> None:
    path = SPEC / name
    if not path.is_file():
        pytest.skip(f"../shared/spec/{name} is not here")
    examples = json.loads(path.read_text(encoding="utf-8"))
    assert len(examples) > 600
    for example in examples:
        markdown = example["markdown"]
        for text in (markdown, markdown.replace("\n", "\r\n"), "\ufeff" + markdown):
            doc = studylog_md.loads(text)
            assert ("\ufeff" if doc.bom else "") + doc.dumps() == text, example["example"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n",
        b"\r\n\r\n",
        b"\r",
        b"no newline",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf|a|b|\r\n|-|-|\r\n|x|\xe2\x9c\x85|",
        b"tab\there\x0cform feed \xe2\x80\xa8 line sep \xc2\x85 nel\n",
        b"nul \x00 byte\n|a|b|\n|-|-|\n|\x00|\xe2\x9c\x85|\n",
        b"bad \xff\xfe utf-8 \xc3\n|Resource|Progress|\n|-|-|\n|x \xff|\xe2\xac\x9c|\n",
        b"<table><tr><td>\xe2\x9c\x85</td></tr></table>\n",
        b"  |  odd  |  spacing  |\n  |:-|-:|\n  |  a  |  b  |\n",
    ],
)
def test_odd_bytes_round_trip(data: bytes) -> None:
    assert studylog_md.load_bytes(data).to_bytes() == data


def test_invalid_utf8_is_located() -> None:
    doc = studylog_md.load_bytes(b"ok\nbad \xff\xfe here\n")
    assert doc.invalid_utf8 == [(2, 5, 2)]


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"\xff\xfe|\x00a\x00|\x00", "UTF-16"),
        (b"\xfe\xff\x00|\x00a", "UTF-16"),
        (b"\xff\xfe\x00\x00|\x00\x00\x00", "UTF-32"),
        ("# Title\n|a|b|\n".encode("utf-16-le"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "binary"),
    ],
)
def test_utf16_utf32_and_binary_are_refused(data: bytes, word: str) -> None:
    with pytest.raises(studylog_md.EncodingError, match=word):
        studylog_md.load_bytes(data)
