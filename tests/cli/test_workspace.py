"""Whole repositories from the command line: folders, globs, .gitignore, nested configs, and
the conventions of people who live in a terminal (colour, --line, JSON edits, stats width).

The repository tests run the real ``git`` in a temporary folder.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from shared_paths import ROOT

from studylog_md.cli import main
from studylog_md.config import clear_cache
from studylog_md.progress.stats import display_width

SEED = ROOT.parent / "shared" / "seed" / "STUDY_LOG.md"
FINDING = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):\d+: (?P<code>SL\d{3}) (?P<rule>[a-z0-9-]+)"
)
ANSI = "\x1b["

# A log with one finding: the second row has a cell too few (column-count, line 6).
SHORT_ROW = (
    "# Log\n"
    "\n"
    "| Resource | Progress | Notes |\n"
    "|---|---|---|\n"
    "| [A](https://a.example/) | ✅ | fine |\n"
    "| [B](https://b.example/) | ⬜ |\n"
)
# A log with two findings: column-count on line 6 and duplicate-title on line 7.
TWO_FINDINGS = SHORT_ROW + "| [A](https://a2.example/) | ⬜ | again |\n"
CLEAN = (
    "# Log\n"
    "\n"
    "## Books\n"
    "\n"
    "| Resource | Progress | Notes |\n"
    "|---|---|---|\n"
    "| [Alpha](https://alpha.example/) | ✅ | one |\n"
    "| [Beta](https://beta.example/) | ⬜ | two |\n"
    "| [Gamma](https://gamma.example/) | ⬜ | three |\n"
)
NOT_A_LOG = "# Notes\n\nJust prose, and a list:\n\n- one\n- two\n"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


class Ran:
    """One in-process run of the command line."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def findings(self) -> set[tuple[str, int, str]]:
        return {
            (m["path"], int(m["line"]), m["rule"])
            for m in map(FINDING.match, self.out.splitlines())
            if m
        }


Run = Callable[..., Ran]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    clear_cache()

    def run(*args: str) -> Ran:
        code = main(list(args))
        captured = capsys.readouterr()
        clear_cache()
        return Ran(code, captured.out, captured.err)

    yield run
    clear_cache()


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real git repository with ignored folders, nested configs and a non-log file."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    git(root, "init", "-q")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "T")
    write(root / ".gitignore", "build/\nnode_modules/\n")
    write(root / "pyproject.toml", '[tool.studylog-md]\nexclude = ["drafts/**"]\n')
    write(root / "README.md", NOT_A_LOG)
    write(root / "logs" / "a.md", SHORT_ROW)
    write(root / "logs" / "python.markdown", SHORT_ROW)
    # A nested configuration: column-count is off below logs/team/.
    write(root / "logs" / "team" / ".studylog-md.toml", 'ignore = ["column-count"]\n')
    write(root / "logs" / "team" / "b.md", TWO_FINDINGS)
    write(root / "logs" / "notes.txt", SHORT_ROW)  # not Markdown: never read
    write(root / "build" / "c.md", SHORT_ROW)
    write(root / "node_modules" / "pkg" / "README.md", SHORT_ROW)
    write(root / "drafts" / "d.md", SHORT_ROW)  # excluded by the configuration
    write(root / "private" / "e.md", SHORT_ROW)  # excluded by .git/info/exclude
    (root / ".git" / "info").mkdir(exist_ok=True)
    write(root / ".git" / "info" / "exclude", "private/\n")
    git(root, "add", ".gitignore", "pyproject.toml", "README.md", "logs/a.md")
    git(root, "commit", "-q", "-m", "start")
    # logs/team/b.md and logs/python.markdown stay untracked: git still lists them.
    monkeypatch.chdir(root)
    return root


EXPECTED_TREE = {
    ("logs/a.md", 6, "column-count"),
    ("logs/python.markdown", 6, "column-count"),
    ("logs/team/b.md", 7, "duplicate-title"),
}


def test_lint_dot_reports_exactly_the_logs_git_does_not_ignore(repo: Path, cli: Run) -> None:
    ran = cli("lint", ".")
    assert ran.code == 1
    assert ran.findings() == EXPECTED_TREE
    assert ran.err == ""


def test_lint_a_folder_and_a_glob(repo: Path, cli: Run) -> None:
    assert cli("lint", "logs").findings() == EXPECTED_TREE
    ran = cli("lint", "**/*.md")
    assert ran.findings() == {f for f in EXPECTED_TREE if f[0].endswith(".md")}
    assert cli("lint", "logs/team/*.md").findings() == {("logs/team/b.md", 7, "duplicate-title")}
    ran = cli("lint", "nothing/**/*.md")
    assert ran.code == 2 and "no file matches 'nothing/**/*.md'" in ran.err


def test_a_file_named_on_the_command_line_is_read_even_when_ignored(repo: Path, cli: Run) -> None:
    ran = cli("lint", "build/c.md")
    assert ran.findings() == {("build/c.md", 6, "column-count")}


def test_lint_without_files_keeps_its_default_files(repo: Path, cli: Run) -> None:
    ran = cli("lint")
    assert ran.code == 0 and ran.out == ""  # README.md is no log and has nothing to report


def test_outside_git_hidden_folders_and_node_modules_are_skipped(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Run,
) -> None:
    root = tmp_path / "plain"
    write(root / ".studylog-md.toml", "")  # a configuration, so that nothing above counts
    write(root / "a.md", SHORT_ROW)
    write(root / ".hidden" / "b.md", SHORT_ROW)
    write(root / "node_modules" / "c.md", SHORT_ROW)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    assert cli("lint", ".").findings() == {("a.md", 6, "column-count")}


def test_list_and_stats_pass_over_markdown_that_is_no_log(repo: Path, cli: Run) -> None:
    ran = cli("list", ".", "--format", "json")
    assert ran.code == 0 and ran.err == ""
    paths = {row["path"] for row in json.loads(ran.out)}
    assert paths == {"logs/a.md", "logs/python.markdown", "logs/team/b.md"}
    ran = cli("stats", ".", "--format", "json")
    assert ran.code == 0 and ran.err == ""
    data = json.loads(ran.out)
    assert {f["file"] for f in data["files"]} == paths
    assert data["total"] == 7


def test_config_include_decides_what_a_walk_finds(repo: Path, cli: Run) -> None:
    write(repo / "pyproject.toml", '[tool.studylog-md]\ninclude = ["logs/team/*.md"]\n')
    write(repo / "logs" / "team" / ".studylog-md.toml", 'include = ["*.md"]\n')
    ran = cli("lint", ".")
    assert {path for path, *_ in ran.findings()} == {"logs/team/b.md"}


def test_duplicate_across_files_is_opt_in(repo: Path, cli: Run) -> None:
    write(repo / "logs" / "c.md", CLEAN)
    write(repo / "logs" / "d.md", CLEAN.replace("https://beta.example/", "http://www.beta.example"))
    assert not any(rule == "duplicate-across-files" for *_, rule in cli("lint", ".").findings())
    ran = cli("lint", "logs/c.md", "logs/d.md", "--select", "duplicate-across-files")
    assert ran.code == 1
    assert ran.findings() == {
        ("logs/d.md", 7, "duplicate-across-files"),
        ("logs/d.md", 8, "duplicate-across-files"),
        ("logs/d.md", 9, "duplicate-across-files"),
    }
    assert "logs/c.md:8 already lists the same URL" in ran.out
    # --extend-select keeps every other rule; so does extend-select in the configuration.
    ran = cli("lint", "logs/a.md", "logs/c.md", "logs/d.md", "--extend-select", "SL022")
    found = ran.findings()
    assert ("logs/a.md", 6, "column-count") in found
    assert {f for f in found if f[2] == "duplicate-across-files"} == {
        ("logs/d.md", 7, "duplicate-across-files"),
        ("logs/d.md", 8, "duplicate-across-files"),
        ("logs/d.md", 9, "duplicate-across-files"),
    }
    write(
        repo / "pyproject.toml", '[tool.studylog-md]\nextend-select = ["duplicate-across-files"]\n'
    )
    found = cli("lint", "logs").findings()
    assert ("logs/a.md", 6, "column-count") in found
    assert ("logs/d.md", 8, "duplicate-across-files") in found


def test_many_files_in_worker_processes_give_the_same_report(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: Run,
) -> None:
    root = tmp_path / "many"
    for number in range(40):
        write(root / f"log{number:02}.md", SHORT_ROW if number % 3 else CLEAN)
    write(root / ".studylog-md.toml", 'select = ["column-count", "duplicate-across-files"]\n')
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(root)
    serial = cli("lint", ".", "--jobs", "1")
    parallel = cli("lint", ".", "--jobs", "2")
    assert serial.code == parallel.code == 1
    assert parallel.out == serial.out
    # 26 short rows; the other 25 short-row files repeat A and B, the other 13 clean ones 3 each
    assert len(serial.findings()) == 26 + 25 * 2 + 13 * 3


# --- picking -----------------------------------------------------------------------------

TWINS = (
    "# Log\n"
    "\n"
    "| Resource | Progress |\n"
    "|---|---|\n"
    "| [Same title](https://one.example/) | ⬜ |\n"
    "| [Other](https://other.example/) | ⬜ |\n"
    "| [Same title](https://two.example/) | ⬜ |\n"
)


def _changed_lines(before: bytes, after: bytes) -> list[int]:
    old, new = before.split(b"\n"), after.split(b"\n")
    assert len(old) == len(new)
    return [number + 1 for number, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


def test_line_picks_the_second_of_two_equal_titles(tmp_path: Path, cli: Run) -> None:
    log = write(tmp_path / "log.md", TWINS)
    before = log.read_bytes()
    ran = cli("toggle", str(log), "Same title")
    assert ran.code == 2
    assert "lines 5, 7" in ran.err and "--line 5" in ran.err
    assert log.read_bytes() == before
    ran = cli("toggle", str(log), "--line", "7")
    assert ran.code == 0, ran.err
    assert _changed_lines(before, log.read_bytes()) == [7]
    assert (
        log.read_text(encoding="utf-8").splitlines()[6]
        == "| [Same title](https://two.example/) | ✅ |"
    )
    ran = cli("toggle", str(log), "--line", "3")
    assert ran.code == 2 and "no entry on line 3" in ran.err
    ran = cli("toggle", str(log), "Other", "--line", "7")
    assert ran.code == 2 and "which the query misses" in ran.err
    assert cli("toggle", str(log)).code == 2


def test_the_seed_line_17_toggles_alone(tmp_path: Path, cli: Run) -> None:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    log = tmp_path / "STUDY_LOG.md"
    log.write_bytes(SEED.read_bytes())
    before = log.read_bytes()
    ran = cli("toggle", str(log), "--line", "17", "--format", "json")
    assert ran.code == 0, ran.err
    assert _changed_lines(before, log.read_bytes()) == [17]
    record = json.loads(ran.out)
    assert (record["line"], record["old_status"], record["new_status"]) == (17, "todo", "done")


def test_a_url_query_toggles_the_entry_linking_to_it(tmp_path: Path, cli: Run) -> None:
    log = write(tmp_path / "log.md", TWINS)
    before = log.read_bytes()
    # Another spelling of the same resource: no www, a tracking parameter, no slash.
    ran = cli("toggle", str(log), "https://www.two.example?utm_source=feed")
    assert ran.code == 0, ran.err
    assert _changed_lines(before, log.read_bytes()) == [7]
    ran = cli("toggle", str(log), "https://three.example/")
    assert ran.code == 2 and "no entry matches" in ran.err


def test_the_seed_u_net_row_toggles_by_its_arxiv_url(tmp_path: Path, cli: Run) -> None:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    log = tmp_path / "STUDY_LOG.md"
    log.write_bytes(SEED.read_bytes())
    before = log.read_bytes()
    line = next(
        number
        for number, text in enumerate(before.decode("utf-8").split("\n"), start=1)
        if "(https://arxiv.org/abs/1505.04597)" in text
    )
    ran = cli("toggle", str(log), "https://arxiv.org/abs/1505.04597", "--format", "json")
    assert ran.code == 0, ran.err
    assert _changed_lines(before, log.read_bytes()) == [line]
    assert json.loads(ran.out)["title"].startswith("U-Net")


# --- JSON edits, add --notes, output files --------------------------------------------------


def test_edit_json_output_reads_back(tmp_path: Path, cli: Run) -> None:
    log = write(tmp_path / "log.md", CLEAN)
    ran = cli("toggle", str(log), "Beta", "--format", "json")
    assert ran.code == 0
    record = json.loads(ran.out)
    assert record == {
        "file": str(log),
        "line": 8,
        "title": "Beta",
        "action": "status",
        "old_status": "todo",
        "new_status": "done",
        "old_marker": "⬜",
        "new_marker": "✅",
        "changed": True,
        "written": True,
    }
    assert (
        log.read_text(encoding="utf-8").splitlines()[7]
        == "| [Beta](https://beta.example/) | ✅ | two |"
    )
    ran = cli(
        "add",
        str(log),
        "--section",
        "Books",
        "--title",
        "Delta",
        "--notes",
        "four",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.err
    record = json.loads(ran.out)
    assert (record["line"], record["title"], record["new_status"], record["new_marker"]) == (
        10,
        "Delta",
        "todo",
        "⬜",
    )
    assert record["old_status"] is None and record["written"] is True
    assert log.read_text(encoding="utf-8").splitlines()[9] == "| Delta | ⬜ | four |"
    ran = cli("toggle", str(log), "Gamma", "--format", "json", "--dry-run")
    record = json.loads(ran.out)
    assert record["written"] is False and record["diff"].count("\n+|") == 1


def test_add_notes_without_a_notes_column_names_the_columns(tmp_path: Path, cli: Run) -> None:
    log = write(tmp_path / "log.md", TWINS.replace("# Log", "# Log\n\n## Links"))
    before = log.read_bytes()
    ran = cli("add", str(log), "--section", "Links", "--title", "New", "--notes", "lost?")
    assert ran.code == 2
    assert "no notes column" in ran.err and "'Resource', 'Progress'" in ran.err
    assert log.read_bytes() == before


def test_dash_writes_the_svg_and_the_badge_to_stdout(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write(tmp_path / "log.md", CLEAN)
    monkeypatch.chdir(tmp_path)
    ran = cli("stats", str(log), "--svg", "-")
    assert ran.code == 0 and ran.out.startswith("<svg") and not (tmp_path / "-").exists()
    ran = cli("stats", str(log), "--badge", "-")
    assert json.loads(ran.out)["message"].startswith("1/3")
    assert cli("stats", str(log), "--badge", "-", "--svg", "-").code == 2


def test_toggle_dry_run_diff_counts_lines_as_the_file_does(tmp_path: Path, cli: Run) -> None:
    # U+2028 inside a cell: str.splitlines() would cut the row in two and miscount the hunk.
    text = CLEAN.replace("| two |", "| two\u2028lines |")
    log = write(tmp_path / "log.md", text)
    ran = cli("toggle", str(log), "Beta", "--dry-run")
    assert ran.code == 0
    diff = ran.out.split(" (dry run", 1)[0]
    header = re.search(r"^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$", diff, re.MULTILINE)
    assert header is not None
    body = diff[header.end() + 1 :].split("\n")
    old = [line for line in body if line[:1] in (" ", "-")]
    new = [line for line in body if line[:1] in (" ", "+")]
    assert (len(old), len(new)) == (int(header[2]), int(header[4])) == (5, 5)
    assert "-| [Beta](https://beta.example/) | ⬜ | two\u2028lines |" in body


# --- lint output options ---------------------------------------------------------------------


def test_statistics_and_quiet(tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".git" / "HEAD", "")  # a repository root of its own
    write(tmp_path / "a.md", TWO_FINDINGS)
    write(tmp_path / "b.md", SHORT_ROW)
    ran = cli("lint", "a.md", "b.md", "--statistics")
    assert ran.code == 1
    assert ran.out.splitlines() == ["2  SL001  [*] column-count", "1  SL009  [ ] duplicate-title"]
    ran = cli("lint", "a.md", "b.md", "--statistics", "--format", "json")
    assert json.loads(ran.out)[0] == {
        "code": "SL001",
        "rule": "column-count",
        "count": 2,
        "fixable": 2,
    }
    loud, quiet = cli("lint", "a.md", "b.md"), cli("lint", "a.md", "b.md", "-q")
    assert loud.out.splitlines()[:-1] == quiet.out.splitlines()
    assert "Found 3" in loud.out.splitlines()[-1]


# --- stats for terminals -----------------------------------------------------------------------

DEEP = "".join(
    f"# Plan {n} with a rather long name\n\n## Area of study number {n}\n\n"
    f"### Topic {n}: a heading that goes on and on to make the path long\n\n"
    "| Resource | Progress |\n|---|---|\n"
    f"| [R{n}a](https://r{n}.example/a) | ✅ |\n| [R{n}b](https://r{n}.example/b) | ⬜ |\n\n"
    for n in range(3)
)


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_stats_fits_the_terminal(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    log = write(tmp_path / "log.md", DEEP)
    monkeypatch.setenv("COLUMNS", str(columns))
    ran = cli("stats", str(log))
    lines = ran.out.splitlines()
    assert max(display_width(line) for line in lines) <= columns
    assert lines[-1].split()[:3] == ["Total", "3/6", "50%"]
    assert "1/2" in lines[1] and "50%" in lines[1]
    # Paths are shortened only when they must be.
    full = "Plan 0 with a rather long name › Area of study number 0 › Topic 0"
    assert (full in ran.out) == (columns == 200)


def test_stats_on_the_seed_says_11_of_39_in_80_columns(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    monkeypatch.delenv("COLUMNS", raising=False)  # not a terminal: 80
    ran = cli("stats", str(SEED))
    lines = ran.out.splitlines()
    assert max(display_width(line) for line in lines) <= 80
    assert lines[-1].split()[:3] == ["Total", "11/39", "28%"]


# --- colour: every command, three settings, two variables ----------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(404 if self.path.startswith("/dead") else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1: /dead... answers 404, anything else 200."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _colour_case(command: str, root: Path, site: str) -> list[str]:
    """Arguments that make ``command`` print something it colours, in ``root``."""
    log = write(root / "log.md", SHORT_ROW if command in ("lint", "fix") else CLEAN)
    if command == "toggle":
        return ["toggle", str(log), "Beta", "--dry-run"]
    if command == "add":
        return ["add", str(log), "--section", "Books", "--title", "New", "--dry-run"]
    if command == "fix":
        write(log, TWO_FINDINGS)  # duplicate-title has no fix: it is printed after fixing
        return ["fix", str(log), "--dry-run"]
    if command == "check-links":
        write(log, CLEAN.replace("https://alpha.example/", f"{site}/dead"))
        return ["check-links", str(log), "--allow-private", "--no-cache", "--timeout", "2"]
    if command == "history":
        git(root, "init", "-q")
        git(root, "add", "log.md")
        git(root, "-c", "user.email=t@example.com", "-c", "user.name=T", "commit", "-q", "-m", "a")
        return ["history", str(log)]
    return [command, str(log)]


COMMANDS = ["list", "stats", "toggle", "add", "lint", "fix", "check-links", "history"]
SETTINGS = [
    # (--color, NO_COLOR, FORCE_COLOR, coloured?)
    ("auto", None, None, False),  # captured output is not a terminal
    ("always", None, None, True),
    ("never", None, None, False),
    ("auto", "1", None, False),
    ("auto", None, "1", True),
    ("auto", "1", "1", False),  # NO_COLOR wins over FORCE_COLOR
    ("always", "1", None, True),  # the command line wins over the environment
    ("never", None, "1", False),
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_honours_color_and_the_variables(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    site: str,
    cli: Run,
) -> None:
    if command == "history" and shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".studylog-md.toml", "")
    args = _colour_case(command, tmp_path, site)
    for choice, no_color, force_color, coloured in SETTINGS:
        for name, value in (("NO_COLOR", no_color), ("FORCE_COLOR", force_color)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        ran = cli(*args, "--color", choice)
        assert ran.code in (0, 1), (choice, ran.err)
        assert ran.out, (command, choice)
        assert (ANSI in ran.out) is coloured, (command, choice, no_color, force_color)
    # Before the command too, and the older --no-color.
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    command_name, *rest = args
    assert ANSI in cli("--color", "always", command_name, *rest).out
    assert ANSI not in cli(*args, "--color", "always", "--no-color").out


# --- one set of network options ----------------------------------------------------------------


def test_lint_online_takes_the_network_options(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch, site: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".studylog-md.toml", "")
    write(tmp_path / "log.md", CLEAN.replace("https://alpha.example/", f"{site}/dead"))
    ran = cli("lint", "log.md", "--timeout", "2")
    assert ran.code == 2 and "--timeout only applies with --online" in ran.err
    ran = cli("lint", "log.md", "--online", "--no-cache", "--timeout", "2")
    assert ("log.md", 7, "link-not-checked") in ran.findings()  # private: not contacted
    ran = cli(
        "lint", "log.md", "--online", "--allow-private", "--no-cache", "--timeout", "2",
        "--max-concurrency", "2", "--host-concurrency", "1", "--host-interval", "0",
    )  # fmt: skip
    assert ran.code == 1
    assert ("log.md", 7, "dead-link") in ran.findings()


def test_check_links_applies_each_files_own_config(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch, site: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".studylog-md.toml", "")
    text = CLEAN.replace("https://alpha.example/", f"{site}/dead")
    write(tmp_path / "strict" / "log.md", text)
    write(tmp_path / "lenient" / "log.md", text)
    write(tmp_path / "lenient" / ".studylog-md.toml", '[links]\nexclude = ["/dead"]\n')
    ran = cli(
        "check-links", "strict/log.md", "lenient/log.md", "--allow-private", "--no-cache",
        "--format", "json",
    )  # fmt: skip
    found = {(d["path"], d["rule"]) for d in json.loads(ran.out) if d["line"] == 7}
    assert found == {("strict/log.md", "dead-link"), ("lenient/log.md", "link-not-checked")}
    assert ran.code == 1


def test_config_option_on_every_command(
    tmp_path: Path, cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".studylog-md.toml", "")
    log = write(tmp_path / "log.md", CLEAN.replace("| ✅ |", "| 🏁 |"))
    config = write(tmp_path / "other.toml", 'done-markers = ["🏁"]\n')
    plain = json.loads(cli("list", str(log), "--format", "json").out)
    assert plain[0]["status"] == "unknown"
    configured = json.loads(cli("list", str(log), "--format", "json", "--config", str(config)).out)
    assert configured[0]["status"] == "done"
    ran = cli("stats", str(log), "--format", "json", "--config", str(config))
    assert json.loads(ran.out)["done"] == 1
    ran = cli("toggle", str(log), "Alpha", "--config", str(config), "--format", "json")
    assert json.loads(ran.out)["old_status"] == "done"


def test_main_returns_the_exit_code(tmp_path: Path) -> None:
    assert main(["toggle", str(tmp_path / "missing.md"), "x"]) == 2
    assert main(["--version"]) == 0


@pytest.mark.parametrize(
    ("cpus", "load", "workers"),
    [
        (2, None, 2),  # no load average on this system: every processor
        (2, 0.0, 2),
        (2, 1.0, 2),  # the load is this process (a run right after another)
        (2, 2.1, 1),  # another process keeps a processor busy: no second worker
        (2, 8.0, 1),
        (8, 3.0, 6),
    ],
)
def test_automatic_workers_use_the_free_processors(
    cpus: int, load: float | None, workers: int
) -> None:
    from studylog_md.cli._lint_files import auto_workers

    assert auto_workers(cpus, load) == workers
