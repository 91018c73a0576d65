"""Issue 17 on the command line: the link cache and the checker's numbers, for real.

Every run is a child process (``_cli.run_cli``) checking links on a real server on 127.0.0.1
(started here, so ``--allow-private``), with real cache files, folders below a file, a
read-only tmpfs and a full one.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from linkserver import LinkServer

from ._cli import CliResult, assert_no_traceback, assert_usage_error, assert_user_error, run_cli
from .conftest import Mount


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with LinkServer("127.0.0.1") as running:
        yield running


def _repo(tmp_path: Path, server: LinkServer, config: str = "") -> Path:
    """A repository with a study log whose two links point at ``server`` and which has one
    offline finding (a row with a cell too many)."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "log.md").write_text(
        "# Log\n\n|Resource|Progress|\n|---|---|\n"
        f"|[A]({server.url('/ok')})|✅|extra|\n"
        f"|[B]({server.url('/status/404')})|⬜|\n",
        encoding="utf-8",
    )
    if config:
        (repo / ".studylog-md.toml").write_text(config, encoding="utf-8")
    return repo


def _foreign(path: Path) -> tuple[bytes, int]:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE results (url TEXT, checked_at REAL)")
        db.execute("INSERT INTO results VALUES ('mine', 0)")
    db.close()
    return path.read_bytes(), path.stat().st_mtime_ns


def _warnings(result: CliResult) -> list[str]:
    return [line for line in result.stderr.splitlines() if "warning:" in line]


# --- item 2 and 18: a repository's configuration cannot make us write outside it --------------


@pytest.mark.parametrize("spelling", ["../victim.sqlite", "{outside}", "~/cache.sqlite", "link"])
def test_a_config_cache_outside_the_repository_is_refused(
    tmp_path: Path, server: LinkServer, spelling: str
) -> None:
    victim = tmp_path / "victim.sqlite"
    before = _foreign(victim)
    repo = _repo(tmp_path, server)
    (repo / "link").symlink_to(victim)  # a link inside the repository leading out of it
    value = spelling.format(outside=victim)
    (repo / ".studylog-md.toml").write_text(f'[links]\ncache = "{value}"\n', encoding="utf-8")
    result = run_cli("check-links", "--allow-private", "log.md", cwd=repo)
    assert_user_error(result, "links.cache", "outside the repository")
    assert (victim.read_bytes(), victim.stat().st_mtime_ns) == before
    assert server.requests == []


def test_a_foreign_file_named_on_the_command_line_is_refused_untouched(
    tmp_path: Path, server: LinkServer
) -> None:
    victim = tmp_path / "victim.sqlite"
    before = _foreign(victim)
    repo = _repo(tmp_path, server)
    result = run_cli("check-links", "--allow-private", "--cache", str(victim), "log.md", cwd=repo)
    assert_user_error(result, str(victim), "not a cache made by studylog-md")
    assert "delete" not in result.stderr.lower()  # item 18
    assert (victim.read_bytes(), victim.stat().st_mtime_ns) == before
    assert sorted(os.listdir(tmp_path)) == ["repo", "victim.sqlite"]  # no -wal, no -shm


def test_a_cache_outside_the_repository_is_fine_from_the_command_line(
    tmp_path: Path, server: LinkServer
) -> None:
    repo = _repo(tmp_path, server)
    cache = tmp_path / "elsewhere" / "links.sqlite"
    for _ in range(2):
        result = run_cli(
            "check-links", "--allow-private", "--cache", str(cache), "log.md", cwd=repo
        )
        assert result.returncode == 1, result.describe()  # the 404 link
    assert server.count("/ok") == 1  # the second run answered from the cache


# --- item 13: one bounded check for the command line and the configuration file ---------------


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--timeout", "inf"),
        ("--timeout", "nan"),
        ("--timeout", "1e9"),
        ("--timeout", "0"),
        ("--host-interval", "1e23"),
        ("--max-cache-age", "1" + "0" * 400),
        ("--max-cache-age", "1e400"),
        ("--max-concurrency", "1e3"),
        ("--host-concurrency", "100000"),
    ],
)
def test_numbers_out_of_bounds_on_the_command_line(
    tmp_path: Path, server: LinkServer, flag: str, value: str
) -> None:
    repo = _repo(tmp_path, server)
    result = run_cli("check-links", "--allow-private", flag, value, "log.md", cwd=repo)
    assert_usage_error(result, flag)
    assert result.seconds < 10
    assert server.requests == []


@pytest.mark.parametrize(
    ("key", "toml", "flag", "value"),
    [
        ("timeout", "inf", "--timeout", "inf"),
        ("timeout", "900", "--timeout", "900"),
        ("host-interval", "1e23", "--host-interval", "1e26"),
        ("max-cache-age", '"1' + "0" * 400 + '"', "--max-cache-age", "1" + "0" * 400),
        ("max-concurrency", "100000", "--max-concurrency", "100000"),
    ],
)
def test_the_config_file_and_the_flags_say_the_same(
    tmp_path: Path, server: LinkServer, key: str, toml: str, flag: str, value: str
) -> None:
    repo = _repo(tmp_path, server, f"[links]\n{key} = {toml}\n")
    from_file = run_cli("check-links", "--allow-private", "log.md", cwd=repo)
    assert_user_error(from_file, f"links.{key}")
    (repo / ".studylog-md.toml").unlink()
    from_flag = run_cli("check-links", "--allow-private", flag, value, "log.md", cwd=repo)
    assert_usage_error(from_flag, flag)
    # The same words after the key: one validator. (--host-interval is in milliseconds.)
    said = from_file.stderr.split(f"links.{key}: ", 1)[1].split(", got")[0]
    if key == "host-interval":
        said = said.replace("60 seconds", "60000 milliseconds")
    assert said in from_flag.stderr, (from_file.stderr, from_flag.stderr)
    assert server.requests == []


# --- item 23: the documented accept-status "*" ----------------------------------------------------


def test_accept_status_for_every_host(tmp_path: Path, server: LinkServer) -> None:
    repo = _repo(tmp_path, server, '[links.accept-status]\n"*" = [404]\n')
    result = run_cli("check-links", "--allow-private", "--no-cache", "log.md", cwd=repo)
    assert result.returncode == 0, result.describe()
    assert "dead-link" not in result.stdout


# --- item 15: a cache that cannot be opened is skipped, with one warning ---------------------


def test_a_cache_below_a_file_warns_once_and_checks_anyway(
    tmp_path: Path, server: LinkServer
) -> None:
    repo = _repo(tmp_path, server)
    (repo / "second.md").write_bytes((repo / "log.md").read_bytes())
    cache = repo / "log.md" / "links.sqlite"
    result = run_cli(
        "check-links", "--allow-private", "--cache", str(cache), "log.md", "second.md", cwd=repo
    )
    assert result.returncode == 1, result.describe()  # the 404 is still found
    assert "dead-link" in result.stdout
    warnings = _warnings(result)
    assert len(warnings) == 1 and "cannot be used" in warnings[0], result.describe()


def test_lint_online_keeps_the_offline_findings(tmp_path: Path, server: LinkServer) -> None:
    # lint --online checks file by file: the unusable cache is reported once, and a refused
    # one (a configuration error) does not take the files' offline findings with it.
    repo = _repo(tmp_path, server, '[links]\ncache = "log.md/links.sqlite"\n')
    (repo / "second.md").write_bytes((repo / "log.md").read_bytes())
    result = run_cli("lint", "--online", "log.md", "second.md", cwd=repo)
    assert_no_traceback(result)
    assert result.stdout.count("column-count") == 2, result.describe()
    assert len(_warnings(result)) == 1, result.describe()
    (repo / "victim.db").write_text("not a database\n")
    (repo / ".studylog-md.toml").write_text('[links]\ncache = "victim.db"\n')
    refused = run_cli("lint", "--online", "log.md", "second.md", cwd=repo)
    assert refused.returncode == 2, refused.describe()
    assert refused.stdout.count("column-count") == 2, refused.describe()
    assert refused.stderr.count("not a cache made by studylog-md") == 1, refused.describe()
    assert (repo / "victim.db").read_text() == "not a database\n"


def test_a_cache_on_a_read_only_file_system(
    tmp_path: Path, server: LinkServer, tmpfs: Mount
) -> None:
    from ._cli import remount_read_only

    repo = _repo(tmp_path, server)
    point = tmpfs("size=1m")
    cache = point / "links.sqlite"
    first = run_cli("check-links", "--allow-private", "--cache", str(cache), "log.md", cwd=repo)
    assert first.returncode == 1 and not _warnings(first), first.describe()
    remount_read_only(point)
    for name in ("links.sqlite", "new.sqlite"):
        result = run_cli(
            "check-links", "--allow-private", "--cache", str(point / name), "log.md", cwd=repo
        )
        assert result.returncode == 1, result.describe()
        assert len(_warnings(result)) == 1, result.describe()
    assert os.listdir(point) == ["links.sqlite"]


def test_a_cache_on_a_full_disk_leaves_no_side_files(
    tmp_path: Path, server: LinkServer, tmpfs: Mount
) -> None:
    repo = _repo(tmp_path, server)
    point = tmpfs("size=2m")
    cache = point / "links.sqlite"
    assert run_cli("check-links", "--allow-private", "--cache", str(cache), "log.md",
                   cwd=repo).returncode == 1  # fmt: skip
    filler = os.open(point / "filler", os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk to the last byte
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(filler, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(filler)
    for name in ("links.sqlite", "new.sqlite"):
        result = run_cli(
            "check-links", "--allow-private", "--cache", str(point / name), "log.md", cwd=repo
        )
        assert result.returncode == 1, result.describe()
        assert len(_warnings(result)) == 1, result.describe()
    assert sorted(os.listdir(point)) == ["filler", "links.sqlite"]


# --- item 16: odd values in rows are misses, not exit 3 ---------------------------------------


def test_odd_cache_rows_are_checked_again(tmp_path: Path, server: LinkServer) -> None:
    repo = _repo(tmp_path, server)
    cache = tmp_path / "links.sqlite"
    args = ("check-links", "--allow-private", "--cache", str(cache), "log.md")
    assert run_cli(*args, cwd=repo).returncode == 1
    with sqlite3.connect(cache) as db:
        db.execute("UPDATE results SET detail = x'00ff', checked_at = 'soon'")
        db.execute("UPDATE results SET status = 'gone' WHERE verdict = 'dead'")
    db.close()
    started = time.time()
    result = run_cli(*args, cwd=repo)
    assert result.returncode == 1, result.describe()
    assert_no_traceback(result)
    assert "internal error" not in result.stdout + result.stderr
    assert server.count("/ok") == 2  # asked again, not answered from the odd row
    with sqlite3.connect(cache) as db:
        times = [row[0] for row in db.execute("SELECT checked_at FROM results")]
    db.close()
    assert times and all(isinstance(t, float) and t >= started for t in times)
