"""``studylog-md lint`` and ``studylog-md fix`` from the command line: output, exit codes, bytes."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from shared_paths import ROOT

from studylog_md.cli import cli
from studylog_md.cli._common import run
from studylog_md.config import clear_cache
from studylog_md.document.replace import apply_replacements

SEED = ROOT.parent / "shared" / "seed" / "STUDY_LOG.md"

# path:line:col: CODE rule message
TEXT_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): "
    r"(?P<code>SL\d{3}) (?P<rule>[a-z0-9-]+) (?P<message>.+)$"
)

SHORT_ROW = (
    "# Log\n"
    "\n"
    "| Resource | Progress | Notes |\n"
    "|---|---|---|\n"
    "| [A](https://a.example/) | ✅ | fine |\n"
    "| [B](https://b.example/) | ⬜ |\n"
)
CLEAN = (
    "# Log\n"
    "\n"
    "| Resource | Progress |\n"
    "|---|---|\n"
    "| [A](https://a.example/) | ✅ |\n"
    "| [B](https://b.example/) | ⬜ |\n"
)


@dataclass(frozen=True, slots=True)
class Result:
    code: int
    out: str
    err: str
    out_bytes: bytes

    def findings(self) -> list[tuple[str, int, int, str, str]]:
        """(path, line, column, code, rule) of every text-format finding on stdout."""
        found = []
        for line in self.out.splitlines():
            match = TEXT_LINE.match(line)
            if match:
                found.append(
                    (
                        match["path"],
                        int(match["line"]),
                        int(match["col"]),
                        match["code"],
                        match["rule"],
                    )
                )
        return found

    def rules_at(self) -> set[tuple[int, str]]:
        return {(line, rule) for _, line, _, _, rule in self.findings()}


def invoke(*args: str, stdin: bytes = b"") -> Result:
    """Run the CLI in this process, as the console script would (exit code from ``run``)."""
    out_raw, err_raw = io.BytesIO(), io.BytesIO()
    streams = (
        io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
        io.TextIOWrapper(out_raw, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err_raw, encoding="utf-8", write_through=True),
    )
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = streams
    try:
        code = run(cli, list(args))
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdin, sys.stdout, sys.stderr = saved
    data = out_raw.getvalue()
    return Result(code, data.decode("utf-8", "replace"), err_raw.getvalue().decode(), data)


@pytest.fixture(autouse=True)
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A repository root of its own, as the current folder (no configuration above it)."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    clear_cache()
    yield tmp_path
    clear_cache()


@pytest.fixture
def seed(repo: Path) -> Path:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    copy = repo / "STUDY_LOG.md"
    copy.write_bytes(SEED.read_bytes())
    return copy


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- the seed ------------------------------------------------------------------------------

SEED_FINDINGS = {
    (15, "column-count"),
    (16, "column-count"),
    (17, "column-count"),
    (53, "column-count"),
    (17, "duplicate-title"),
    (17, "duplicate-url"),
    (54, "tracking-params"),
    (66, "expiring-url"),
}


def test_seed_findings(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md")
    assert result.code == 1, result.err
    assert result.err == ""
    assert result.rules_at() == SEED_FINDINGS
    assert len(result.findings()) == len(SEED_FINDINGS)
    for path, *_ in result.findings():
        assert path == "STUDY_LOG.md"


def test_text_lines_have_the_documented_shape(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md", "--no-color")
    lines = result.out.splitlines()
    assert lines[-1].startswith("Found 8 problems")
    for line in lines[:-1]:
        assert TEXT_LINE.match(line), line
    assert "\x1b[" not in result.out


def test_json_format(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md", "--format", "json")
    assert result.code == 1
    findings = json.loads(result.out)
    assert {(f["line"], f["rule"]) for f in findings} == SEED_FINDINGS
    assert all(f["path"] == "STUDY_LOG.md" and f["code"].startswith("SL") for f in findings)


def test_sarif_format(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md", "--format", "sarif")
    assert result.code == 1
    log = json.loads(result.out)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "studylog-md"
    rules = driver["rules"]
    assert {"column-count", "expiring-url"} <= {r["name"] for r in rules}
    results = run_["results"]
    assert len(results) == len(json.loads(invoke("lint", "STUDY_LOG.md", "--format", "json").out))
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "STUDY_LOG.md"
        assert location["region"]["startLine"] >= 1


def test_sarif_with_no_findings_is_still_a_log(repo: Path) -> None:
    write(repo / "README.md", CLEAN)
    result = invoke("lint", "README.md", "--format", "sarif")
    assert result.code == 0
    assert json.loads(result.out)["runs"][0]["results"] == []
    assert json.loads(invoke("lint", "README.md", "--format", "json").out) == []


def test_github_format(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md", "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    assert len(lines) == 8
    for line in lines:
        assert re.match(r"^::(error|warning|notice) file=STUDY_LOG\.md,line=\d+,col=\d+", line)
    assert any(",line=66," in line and "expiring-url" in line for line in lines)


def test_no_findings_prints_nothing_and_exits_0(repo: Path) -> None:
    write(repo / "README.md", CLEAN)
    for fmt in ("text", "github"):
        result = invoke("lint", "README.md", "--format", fmt)
        assert (result.code, result.out, result.err) == (0, "", "")


# --- choosing rules ------------------------------------------------------------------------


def test_select_by_name_and_code(seed: Path) -> None:
    by_name = invoke("lint", "STUDY_LOG.md", "--select", "column-count")
    assert {rule for _, rule in by_name.rules_at()} == {"column-count"}
    by_code = invoke("lint", "STUDY_LOG.md", "--select", "SL016,SL015")
    assert by_code.rules_at() == {(54, "tracking-params"), (66, "expiring-url")}


def test_ignore_adds_up(seed: Path) -> None:
    result = invoke(
        "lint", "STUDY_LOG.md", "--ignore", "column-count", "--ignore", "duplicate-title,SL010"
    )
    assert result.rules_at() == {(54, "tracking-params"), (66, "expiring-url")}
    assert result.code == 1


def test_ignoring_everything_found_exits_0(seed: Path) -> None:
    result = invoke(
        "lint",
        "STUDY_LOG.md",
        "--select",
        "column-count",
        "--ignore",
        "column-count",
    )
    assert (result.code, result.out) == (0, "")


def test_unknown_rule_on_the_command_line_is_a_usage_error(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md", "--select", "column-cuont")
    assert result.code == 2
    assert "column-cuont" in result.err and "column-count" in result.err
    assert result.out == ""


def test_exit_zero_still_reports(seed: Path) -> None:
    result = invoke("lint", "STUDY_LOG.md", "--exit-zero")
    assert result.code == 0
    assert result.rules_at() == SEED_FINDINGS


def test_info_findings_never_fail(repo: Path) -> None:
    write(
        repo / "README.md",
        "# L\n\n|Resource|Progress|\n|---|---|\n"
        "|[A](https://a.example/)|✔️|\n|[B](https://b.example/)|✔️|\n|[C](https://c.example/)|✔|\n",
    )
    result = invoke("lint", "README.md")
    assert result.rules_at() == {(7, "marker-variation")}
    assert result.code == 0


# --- configuration ---------------------------------------------------------------------------


def test_config_select_and_ignore(seed: Path, repo: Path) -> None:
    write(
        repo / "pyproject.toml",
        '[tool.studylog-md]\nselect = ["column-count", "expiring-url"]\nignore = ["SL016"]\n',
    )
    result = invoke("lint", "STUDY_LOG.md")
    assert {rule for _, rule in result.rules_at()} == {"column-count"}
    # --select replaces the config's select; the config's ignore still applies
    result = invoke("lint", "STUDY_LOG.md", "--select", "expiring-url,tracking-params")
    assert result.rules_at() == {(54, "tracking-params")}


def test_config_per_file_ignores(repo: Path) -> None:
    write(repo / ".studylog-md.toml", '[per-file-ignores]\n"drafts/**" = ["column-count"]\n')
    write(repo / "README.md", SHORT_ROW)
    write(repo / "drafts" / "next.md", SHORT_ROW)
    result = invoke("lint", "README.md", "drafts/next.md")
    assert [(path, line, rule) for path, line, _, _, rule in result.findings()] == [
        ("README.md", 6, "column-count")
    ]
    assert result.code == 1


def test_config_found_from_the_files_folder_not_the_current_one(repo: Path) -> None:
    write(repo / "sub" / ".studylog-md.toml", 'ignore = ["column-count"]\n')
    write(repo / "sub" / "README.md", SHORT_ROW)
    result = invoke("lint", "sub/README.md")
    assert (result.code, result.out) == (0, "")


def test_explicit_config(repo: Path) -> None:
    write(repo / "README.md", SHORT_ROW)
    other = write(repo / "conf" / "strict.toml", 'ignore = ["column-count"]\n')
    assert invoke("lint", "README.md", "--config", str(other)).code == 0
    assert invoke("lint", "README.md").code == 1


def test_unknown_config_key_exits_2_naming_it(repo: Path) -> None:
    write(repo / "pyproject.toml", "[tool.studylog-md]\nignroe = []\n")
    write(repo / "README.md", SHORT_ROW)
    result = invoke("lint", "README.md")
    assert result.code == 2
    assert "tool.studylog-md.ignroe" in result.err and "pyproject.toml" in result.err
    assert len(result.err.splitlines()) == 1
    assert "Traceback" not in result.err


def test_config_error_is_reported_once_for_many_files(repo: Path) -> None:
    write(repo / ".studylog-md.toml", "ignore = 3\n")
    write(repo / "a.md", CLEAN)
    write(repo / "b.md", CLEAN)
    result = invoke("lint", "a.md", "b.md")
    assert result.code == 2
    assert result.err.count("ignore") >= 1 and len(result.err.splitlines()) == 1


def test_config_markers_are_used(repo: Path) -> None:
    log = (
        "# L\n\n|Resource|Progress|\n|---|---|\n"
        "|[A](https://a.example/)|🆗|\n|[B](https://b.example/)|⬜|\n"
    )
    write(repo / "README.md", log)
    assert "unknown-status" in invoke("lint", "README.md").out
    write(repo / ".studylog-md.toml", 'done-markers = ["🆗"]\n')
    clear_cache()
    assert invoke("lint", "README.md").code == 0


def test_config_max_bytes_and_option(repo: Path) -> None:
    write(repo / "README.md", CLEAN)
    write(repo / ".studylog-md.toml", "max-bytes = 10\n")
    result = invoke("lint", "README.md")
    assert result.code == 2 and "over the limit of 10 bytes" in result.err
    assert invoke("lint", "README.md", "--max-bytes", "100000").code == 0


# --- disable comments ------------------------------------------------------------------------


def test_disable_comments(repo: Path) -> None:
    # A comment line between rows would end the table, so the range wraps a whole table.
    text = (
        "# Log\n\n<!-- studylog-md-disable column-count -->\n"
        "| Resource | Progress | Notes |\n|---|---|---|\n| [B](https://b.example/) | ⬜ |\n"
        "<!-- studylog-md-enable column-count -->\n\n"
        "| Resource | Progress | Notes |\n|---|---|---|\n| [C](https://c.example/) | ⬜ |\n"
    )
    write(repo / "README.md", text)
    result = invoke("lint", "README.md")
    assert result.rules_at() == {(11, "column-count")}


def test_disable_file_comment(repo: Path) -> None:
    write(repo / "README.md", "<!-- studylog-md-disable-file SL001 -->\n" + SHORT_ROW)
    assert invoke("lint", "README.md").code == 0


# --- fix -------------------------------------------------------------------------------------


def _expected_after_fix(data: bytes) -> bytes:
    """The original bytes with exactly the fix spans replaced (the engine's own findings)."""
    from studylog_md import load_bytes
    from studylog_md.document import _lines
    from studylog_md.lint.engine import lint_document

    doc = load_bytes(data, path="x.md")
    reps = [r for d in lint_document(doc, "x.md") if d.fix for r in d.fix.replacements]
    assert reps
    return _lines.encode(apply_replacements(doc.dumps(), reps), doc.bom)


def test_fix_writes_only_the_fix_spans_and_is_idempotent(seed: Path) -> None:
    before = seed.read_bytes()
    seed.chmod(0o644)
    result = invoke("fix", "STUDY_LOG.md")
    assert result.code == 1, result.err
    assert "Fixed STUDY_LOG.md (5)" in result.out
    after = seed.read_bytes()
    assert after == _expected_after_fix(before)
    # what is left is printed: the three findings without a safe fix
    assert result.rules_at() == {
        (17, "duplicate-title"),
        (17, "duplicate-url"),
        (66, "expiring-url"),
    }
    again = invoke("fix", "STUDY_LOG.md")
    assert again.code == 0
    assert "Fixed" not in again.out
    assert seed.read_bytes() == after


@pytest.mark.parametrize(
    ("bom", "newline"), [(False, "\r\n"), (True, "\n"), (True, "\r\n"), (False, "\r")]
)
def test_fix_keeps_bom_and_line_endings(repo: Path, bom: bool, newline: str) -> None:
    text = SHORT_ROW.replace("\n", newline)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path = write(repo / "README.md", data)
    assert invoke("fix", "README.md").code == 1
    after = path.read_bytes()
    assert after == _expected_after_fix(data)
    assert after.startswith(b"\xef\xbb\xbf") is bom
    assert after.count(newline.encode()) == data.count(newline.encode())
    assert after.replace(b"| \xe2\xac\x9c | |", b"| \xe2\xac\x9c |") == data


def test_fix_dry_run_prints_a_diff_and_writes_nothing(repo: Path) -> None:
    path = write(repo / "README.md", SHORT_ROW)
    result = invoke("fix", "--dry-run", "README.md")
    assert result.code == 1
    assert "--- a/README.md\n+++ b/README.md\n" in result.out
    assert "-| [B](https://b.example/) | ⬜ |\n+| [B](https://b.example/) | ⬜ | |\n" in result.out
    assert "Would fix README.md (1)" in result.out
    assert path.read_bytes() == SHORT_ROW.encode()


def test_fix_with_nothing_to_fix_exits_0_and_keeps_the_file(repo: Path) -> None:
    path = write(repo / "README.md", CLEAN)
    mtime = path.stat().st_mtime_ns
    result = invoke("fix", "README.md")
    assert (result.code, result.out) == (0, "")
    assert path.stat().st_mtime_ns == mtime


def test_lint_fix_applies_fixes_then_reports(seed: Path) -> None:
    seed.chmod(0o644)
    result = invoke("lint", "--fix", "STUDY_LOG.md")
    assert result.code == 1
    assert "Fixed STUDY_LOG.md (5)" in result.out
    assert result.rules_at() == {
        (17, "duplicate-title"),
        (17, "duplicate-url"),
        (66, "expiring-url"),
    }
    result = invoke("lint", "--fix", "--format", "json", "STUDY_LOG.md")
    assert len(json.loads(result.out)) == 3  # nothing but JSON on stdout


def test_fix_read_only_file_is_an_error_and_untouched(repo: Path) -> None:
    path = write(repo / "README.md", SHORT_ROW)
    good = write(repo / "good.md", SHORT_ROW)
    path.chmod(0o444)
    result = invoke("fix", "README.md", "good.md")
    assert result.code == 2
    assert "README.md is read-only" in result.err
    assert path.read_bytes() == SHORT_ROW.encode()
    assert "Fixed good.md (1)" in result.out and good.read_bytes() != SHORT_ROW.encode()


# --- standard input --------------------------------------------------------------------------


def test_lint_stdin(repo: Path) -> None:
    result = invoke("lint", "-", stdin=SHORT_ROW.encode())
    assert result.code == 1
    assert result.findings()[0][:2] == ("<stdin>", 6)


def test_fix_stdin_writes_the_fixed_text_to_stdout(repo: Path) -> None:
    data = b"\xef\xbb\xbf" + SHORT_ROW.replace("\n", "\r\n").encode()
    result = invoke("fix", "-", stdin=data)
    assert result.code == 1
    assert result.out_bytes == _expected_after_fix(data)
    assert "Fixed <stdin> (1)" in result.err


def test_lint_fix_stdin_reports_what_is_left_on_stderr(repo: Path) -> None:
    data = (SHORT_ROW + "\n[dup](https://a.example/)\n").encode()
    clean = invoke("lint", "--fix", "-", stdin=CLEAN.encode())
    assert (clean.code, clean.out_bytes, clean.err) == (0, CLEAN.encode(), "")
    result = invoke("lint", "--fix", "-", stdin=data)
    assert result.code == 1
    assert result.out_bytes == _expected_after_fix(data)


# --- many files, bad files ---------------------------------------------------------------------


def test_missing_file_among_good_ones(repo: Path) -> None:
    write(repo / "a.md", SHORT_ROW)
    write(repo / "c.md", SHORT_ROW)
    result = invoke("lint", "a.md", "missing.md", "c.md")
    assert result.code == 2
    assert result.err.strip() == "studylog-md: error: missing.md: no such file; check the path"
    assert {path for path, *_ in result.findings()} == {"a.md", "c.md"}


def test_same_file_twice_is_processed_once(repo: Path) -> None:
    write(repo / "a.md", SHORT_ROW)
    result = invoke("lint", "a.md", "./a.md", str(repo / "a.md"))
    assert len(result.findings()) == 1


def test_invalid_utf8_is_a_finding(repo: Path) -> None:
    data = CLEAN.encode().replace(b"[A]", b"[caf\xe9]")
    path = write(repo / "README.md", data)
    result = invoke("lint", "README.md")
    assert result.code == 1
    assert result.rules_at() == {(5, "invalid-utf8")}
    assert invoke("fix", "README.md").code == 0
    assert path.read_bytes() == data


def test_utf16_file_is_a_one_line_error(repo: Path) -> None:
    write(repo / "u16.md", "\ufeff".encode("utf-16-le") + CLEAN.encode("utf-16-le"))
    write(repo / "ok.md", SHORT_ROW)
    result = invoke("lint", "u16.md", "ok.md")
    assert result.code == 2
    assert result.err.splitlines() == [
        "studylog-md: error: u16.md: the file is UTF-16; convert it to UTF-8 "
        "(e.g. iconv -f UTF-16 -t UTF-8)"
    ]
    assert {path for path, *_ in result.findings()} == {"ok.md"}


def test_a_folder_without_markdown_is_a_one_line_warning(repo: Path) -> None:
    (repo / "docs").mkdir()
    (repo / "docs" / "notes.txt").write_text("not markdown\n", encoding="utf-8")
    result = invoke("lint", "docs")
    assert result.code == 0
    assert result.err == "studylog-md: warning: no Markdown files in docs\n"


def test_default_files(repo: Path) -> None:
    result = invoke("lint")
    assert result.code == 2
    assert "no files given" in result.err and "README.md" in result.err
    write(repo / "STUDY_LOG.md", SHORT_ROW)
    write(repo / "README.md", CLEAN)
    result = invoke("lint")
    assert result.code == 1
    assert {path for path, *_ in result.findings()} == {"STUDY_LOG.md"}


# --- online hook -----------------------------------------------------------------------------


def test_strict_needs_online(repo: Path) -> None:
    write(repo / "README.md", CLEAN)
    result = invoke("lint", "--strict", "README.md")
    assert result.code == 2 and "--online" in result.err


def test_online_is_accepted(repo: Path) -> None:
    # Only loopback links: they are never contacted without --allow-private (an info
    # finding, exit 0), so this test sends nothing anywhere. Real servers: tests/linkcheck.
    write(
        repo / "README.md",
        CLEAN.replace("a.example", "127.0.0.1:9/a").replace("b.example", "127.0.0.1:9/b"),
    )
    result = invoke("lint", "--online", "--strict", "README.md")
    assert result.code == 0, result.out
    assert "link-not-checked" in result.out
    write(
        repo / "bad.md",
        SHORT_ROW.replace("a.example", "127.0.0.1:9/a").replace("b.example", "127.0.0.1:9/b"),
    )
    result = invoke("lint", "--online", "--fix", "bad.md")
    assert result.code == 1 and "Fixed bad.md (1)" in result.out


def test_online_without_the_link_checker_is_a_usage_error(repo: Path) -> None:
    write(repo / "README.md", CLEAN)
    # An installation without studylog_md.linkcheck: a None entry makes its import fail.
    code = (
        "import sys\n"
        "sys.modules['studylog_md.linkcheck'] = None\n"
        "from studylog_md.cli import main\n"
        "sys.exit(main(['lint', '--online', 'README.md']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "studylog-md: error: online checking is not available in this installation of studylog-md"
    ]


# --- as a real process -------------------------------------------------------------------------


def test_console_entry_point_exit_codes_without_traceback(repo: Path) -> None:
    write(repo / "u16.md", CLEAN.encode("utf-16"))
    write(repo / "bad.md", SHORT_ROW)
    done = subprocess.run(
        [sys.executable, "-m", "studylog_md", "lint", "bad.md", "u16.md"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "bad.md:6:" in done.stdout
    assert "UTF-16" in done.stderr and "Traceback" not in done.stderr


def test_command_module_imports_only_click_and_the_standard_library() -> None:
    code = (
        "import sys, studylog_md.cli.lint_cmd\n"
        "heavy = [m for m in ('markdown_it', 'mdit_py_plugins', 'studylog_md.lint.engine',"
        " 'studylog_md.document.parse', 'studylog_md.config') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_lists_the_rules() -> None:
    result = invoke("lint", "--help")
    assert result.code == 0
    assert "SL001 column-count" in result.out and "SL016 expiring-url" in result.out
    assert "Rules" in invoke("fix", "--help").out


def test_unsafe_fixes_wait_for_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`fix` lists an unsafe fix and leaves it; `fix --unsafe-fixes` (or lint --fix) applies it."""
    text = "|Resource|Progress|\n|---|---|\n|[A](https://a.example)|✅|\nDone reading.\n"
    fixed = text.replace("\nDone", "\n\nDone")
    path = tmp_path / "log.md"
    path.write_text(text, encoding="utf-8")
    assert run(cli, ["fix", str(path)]) == 0  # nothing fixed; the finding is listed
    out = capsys.readouterr().out
    assert "row-without-pipes" in out and "[unsafe fix available]" in out
    assert "1 with an unsafe fix (`studylog-md fix --unsafe-fixes`)" in out
    assert path.read_text(encoding="utf-8") == text
    assert run(cli, ["lint", "--unsafe-fixes", str(path)]) == 2  # only with --fix
    capsys.readouterr()
    assert run(cli, ["fix", "--unsafe-fixes", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == fixed
    path.write_text(text, encoding="utf-8")
    assert run(cli, ["lint", "--fix", "--unsafe-fixes", str(path)]) == 1
    assert path.read_text(encoding="utf-8") == fixed


# --- reading meaning (issue 12) ------------------------------------------------------------


def test_list_explain_names_unread_tables_and_unknown_reasons(repo: Path) -> None:
    log = write(
        repo / "LOG.md",
        "| Symbol | Meaning |\n|---|---|\n| 🔥 | Doing |\n| ✅ | Done |\n\n"
        "| Course | Status |\n|---|---|\n| [A](https://a.example) | 🔥 |\n"
        "| [B](https://b.example) | ⬜ |\n| [C](https://c.example) | |\n",
    )
    plain = invoke("list", str(log))
    assert plain.code == 0 and "legend" not in plain.out and "(an empty" not in plain.out
    explained = invoke("list", "--explain", str(log))
    assert f"{log}:1: table not read as a study log: a legend" in explained.out
    assert "? C  (an empty status cell in a file that marks to-do entries explicitly)" in (
        explained.out
    )
    data = json.loads(invoke("list", "--explain", "--format", "json", str(log)).out)
    assert [t["line"] for t in data["tables"]] == [1]
    assert [(e["title"], e["status"]) for e in data["entries"]] == [
        ("A", "in-progress"),
        ("B", "todo"),
        ("C", "unknown"),
    ]


def test_configured_columns_reach_list_and_lint(repo: Path) -> None:
    write(repo / ".studylog-md.toml", '[columns]\ntitle = "Lesson"\nstatus = "Fortschritt"\n')
    log = write(
        repo / "LOG.md",
        "| Nr | Lesson | Fortschritt |\n|---|---|---|\n| 1 | Rekursion | erledigt |\n"
        "| 2 | Graphen | offen |\n",
    )
    data = json.loads(invoke("list", "--format", "json", str(log)).out)
    assert [(e["title"], e["status"]) for e in data] == [("Rekursion", "done"), ("Graphen", "todo")]
    assert invoke("lint", str(log)).code == 0
