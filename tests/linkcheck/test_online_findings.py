"""Online findings end to end: real servers on 127.0.0.x, the real CLI, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from linkserver import LinkServer

import studylog_md
from studylog_md.linkcheck import LinkCheckOptions
from studylog_md.lint.engine import apply_fixes
from studylog_md.lint.online import check_documents

FAST = LinkCheckOptions(allow_private=True, timeout=1.0, retries=0, retry_backoff=0.01)


def write_log(folder: Path, server: LinkServer) -> Path:
    path = folder / "STUDY_LOG.md"
    path.write_text(
        "# Log\n"
        "|Resource|Progress|\n"
        "|---|---|\n"
        f"|[Alive]({server.url('/ok')})|✅|\n"
        f"|[Gone]({server.url('/status/404')})|⬜|\n"
        f"|[Moved]({server.url('/redirect/301?to=/ok')})|⬜|\n"
        f"|[Private]({server.url('/status/403')})|⬜|\n"
        f"\nSee also {server.url('/status/410')} and [again]({server.url('/ok')}).\n",
        encoding="utf-8",
    )
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "studylog_md", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_findings_at_each_link_and_each_url_checked_once(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        path = write_log(tmp_path, server)
        doc = studylog_md.load(path)
        found = check_documents([(doc, "STUDY_LOG.md")], FAST)["STUDY_LOG.md"]
        ok_requests = server.count("/ok")
    got = [(d.line, d.rule) for d in found]
    assert got == [
        (5, "dead-link"),
        (6, "redirected-link"),
        (7, "unverifiable-link"),
        (9, "dead-link"),
    ]
    # /ok appears twice (line 4 and line 9) and is also the redirect's target: asked for
    # once as a link and once as the redirect hop, never twice for the same link.
    assert ok_requests <= 2
    dead = found[0]
    assert dead.column == doc.lines[4].index("http") + 1


def test_redirect_fix_rewrites_only_the_url(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        path = write_log(tmp_path, server)
        doc = studylog_md.load(path)
        found = check_documents([(doc, "STUDY_LOG.md")], FAST)["STUDY_LOG.md"]
        moved = server.url("/redirect/301?to=/ok")
        target = server.url("/ok")
    fixes = [d for d in found if d.fix is not None]
    assert [d.rule for d in fixes] == ["redirected-link"]
    # A new link target is the site's word, not the author's: an unsafe fix.
    assert apply_fixes(doc, fixes) == (doc.dumps(), 0)
    text, count = apply_fixes(doc, fixes, unsafe=True)
    assert count == 1
    before = doc.dumps()
    assert text == before.replace(f"({moved})", f"({target})", 1)


def test_check_links_cli_exit_codes_and_json(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        path = write_log(tmp_path, server)
        result = run(
            "check-links",
            path.name,
            "--allow-private",
            "--no-cache",
            "--timeout",
            "1",
            "--format",
            "json",
            cwd=tmp_path,
        )
        strict = run(
            "check-links",
            path.name,
            "--allow-private",
            "--no-cache",
            "--timeout",
            "1",
            "--strict",
            cwd=tmp_path,
        )
    assert result.returncode == 1, result.stderr
    rows = json.loads(result.stdout)
    assert {(r["line"], r["rule"], r["severity"]) for r in rows} == {
        (5, "dead-link", "error"),
        (6, "redirected-link", "info"),
        (7, "unverifiable-link", "warning"),
        (9, "dead-link", "error"),
    }
    assert "Traceback" not in result.stderr
    assert strict.returncode == 1
    assert "unverifiable-link" in strict.stdout


def test_private_addresses_are_never_contacted_by_default(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        path = write_log(tmp_path, server)
        result = run("lint", path.name, "--online", "--format", "json", cwd=tmp_path)
        requests = server.count()
    assert requests == 0
    rows = json.loads(result.stdout)
    assert {r["rule"] for r in rows} == {"link-not-checked"}
    # info findings never fail lint
    assert result.returncode == 0, result.stderr


def test_only_ok_links_pass(tmp_path: Path) -> None:
    with LinkServer("127.0.0.1") as server:
        path = tmp_path / "ok.md"
        path.write_text(f"- [x] [Alive]({server.url('/ok')})\n", encoding="utf-8")
        result = run("check-links", path.name, "--allow-private", "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all alive" in result.stderr
