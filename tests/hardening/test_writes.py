"""Writes that must stay true: late changes by other programs, Ctrl-C after a write, odd targets.

Issue 17, items 4 (an append during a toggle is never lost), 7 (an interrupt never claims
"nothing was written" after a write), 25 (``toggle /dev/stdin``), 27 (``save(path)`` errors
and dangling links), and issue 13's "one writer" (every file we write goes through
``safe_write``). Real files, real child processes, real signals.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studylog_md import StudylogError, WriteError, load, loads
from studylog_md.errors import FileChangedError

from ._cli import (
    LOG_BYTES,
    LOG_TOGGLED,
    TIMEOUT,
    CliResult,
    FileState,
    assert_no_temp_files,
    assert_no_traceback,
    assert_untouched,
    assert_user_error,
    child_env,
    cli_command,
    run_cli,
    write_log,
)
from ._inject import Fault, run_with_fault

SRC = Path(__file__).resolve().parents[2] / "src" / "studylog_md"
APPENDED = b"- [ ] Appended by another program\n"

# --- item 4: another program appends while the temporary file is being written -------------


@pytest.mark.parametrize("action", ["append", "modify"])
def test_a_change_while_the_temp_file_is_written_is_never_lost(log: Path, action: str) -> None:
    # The fault strikes when the temporary file is created: after the first stale check, before
    # the rename. The old code checked only before writing the temp file and lost the change.
    result = run_with_fault(Fault("open:temp:1", action), log, "toggle", str(log), "U-Net")
    assert_user_error(result, "changed on disk", "Run the command again")
    data = log.read_bytes()
    if action == "append":
        assert data == LOG_BYTES + APPENDED
    else:
        assert data == LOG_BYTES.replace(b"segmentation", b"Segmentation")
    assert_no_temp_files(log.parent)


@pytest.mark.slow
def test_appends_from_a_busy_writer_survive_many_toggles(log: Path) -> None:
    # A real second program appends lines as fast as it can while toggle runs again and again:
    # every line it wrote must be in the file at the end (a toggle either wins cleanly or
    # refuses with "changed on disk").
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "for i in range(300):\n"
            "    with open(sys.argv[1], 'ab') as f:\n"
            "        f.write(b'- [ ] line %d\\n' % i)\n"
            "    time.sleep(0.002)\n",
            str(log),
        ]
    )
    try:
        while writer.poll() is None:
            result = run_cli("toggle", str(log), "U-Net")
            assert result.returncode in (0, 2), result.describe()
            assert_no_traceback(result)
    finally:
        writer.wait(timeout=TIMEOUT)
    text = log.read_bytes()
    missing = [i for i in range(300) if b"- [ ] line %d\n" % i not in text]
    assert not missing, f"lost appended lines: {missing[:10]}"


# --- item 7: an interrupt just after the write ----------------------------------------------

# The child sends itself a real SIGINT at the N-th function return after the first write's
# ``committing`` block has ended (its Ctrl-C handler is gone by then): the moments the old
# message got wrong ("nothing was written" over a file that had been replaced).
AFTER_WRITE = r"""
import os, signal, sys

nth = int(os.environ["HARDEN_NTH"])
state = {"exits": 0, "count": 0}


def profile(frame, event, arg):
    if event != "return":
        return
    if state["exits"] < 2:
        # A generator "returns" at its yield too: the second return is the block's end.
        if frame.f_code.co_name == "committing":
            state["exits"] += 1
        return
    state["count"] += 1
    if state["count"] == nth:
        sys.setprofile(None)
        signal.raise_signal(signal.SIGINT)


sys.setprofile(profile)
from studylog_md.cli import main
sys.exit(main())
"""


def _run_after_write(nth: int, *args: str) -> CliResult:
    return run_cli(
        *args, argv=[sys.executable, "-c", AFTER_WRITE, *args], env={"HARDEN_NTH": str(nth)}
    )


@pytest.mark.parametrize("nth", [1, 2, 5, 20, 200])
def test_ctrl_c_just_after_a_toggle_never_says_nothing_was_written(log: Path, nth: int) -> None:
    result = _run_after_write(nth, "toggle", str(log), "U-Net")
    assert log.read_bytes() == LOG_TOGGLED, result.describe()
    assert_no_traceback(result)
    assert "⬜ → ✅" in result.stdout, result.describe()
    assert "nothing was written" not in result.stderr, result.describe()
    if result.returncode == 130:
        assert "were written" in result.stderr or "what is reported above" in result.stderr


def test_ctrl_c_between_two_fixed_files_says_what_was_written(tmp_path: Path) -> None:
    # fix writes a.md, then is interrupted while it works on b.md: a.md stays fixed, and the
    # message must not claim that nothing was written.
    # A tracking parameter: tracking-params removes it (a safe fix).
    bad = b"# Log\n\n- [ ] [Attention](https://a.example/?utm_source=x)\n"
    first = write_log(tmp_path / "a.md", bad)
    write_log(tmp_path / "b.md", bad)
    result = _run_after_write(1, "fix", str(first), str(tmp_path / "b.md"))
    assert_no_traceback(result)
    assert first.read_bytes() != bad, result.describe()
    assert "nothing was written" not in result.stderr, result.describe()


@pytest.mark.slow
def test_ctrl_c_at_random_moments_is_reported_truthfully(tmp_path: Path) -> None:
    rng = random.Random(17)
    for attempt in range(25):
        log = write_log(tmp_path / f"log{attempt}.md")
        child = subprocess.Popen(
            cli_command(["toggle", str(log), "U-Net"]),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
        )
        time.sleep(rng.uniform(0.05, 0.6))
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=TIMEOUT)
        stderr = err.decode("utf-8", "replace")
        if "Traceback" in stderr:
            # Python's own report of a Ctrl-C during interpreter start-up, before any of our
            # code ran (nothing to say about writes then).
            assert log.read_bytes() == LOG_BYTES, stderr
            continue
        if log.read_bytes() != LOG_BYTES:
            assert "nothing was written" not in stderr, (attempt, stderr)
        elif child.returncode == 130:
            assert "nothing was written" in stderr, (attempt, stderr)


# --- item 25: toggle through /dev/stdin -----------------------------------------------------


def test_toggle_dev_stdin_from_a_file_is_refused_and_the_file_untouched(log: Path) -> None:
    before = FileState.of(log)
    with log.open("rb") as stdin:
        done = subprocess.run(
            cli_command(["toggle", "/dev/stdin", "U-Net"]),
            stdin=stdin,
            capture_output=True,
            timeout=TIMEOUT,
            env=child_env(),
            check=False,
        )
    result = CliResult(
        ("toggle", "/dev/stdin"), done.returncode, done.stdout.decode(), done.stderr.decode(), 0
    )
    assert_user_error(result, "/dev/stdin is not a regular file", "path of the Markdown file")
    assert len(result.stderr.strip().splitlines()) == 1, result.describe()
    assert_untouched(log, before)


def test_toggle_dev_stdin_from_a_pipe_is_refused_without_talk_of_links(tmp_path: Path) -> None:
    result = run_cli("toggle", "/dev/stdin", "U-Net", stdin=LOG_BYTES, cwd=tmp_path)
    assert_user_error(result, "/dev/stdin is a named pipe (FIFO), not a regular file")
    assert "symbolic link" not in result.stderr, result.describe()


def test_a_link_to_dev_stdin_is_refused_too(log: Path) -> None:
    link = log.parent / "link.md"
    link.symlink_to("/dev/stdin")
    before = FileState.of(log)
    with log.open("rb") as stdin:
        done = subprocess.run(
            cli_command(["toggle", str(link), "U-Net"]),
            stdin=stdin,
            capture_output=True,
            timeout=TIMEOUT,
            env=child_env(),
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert b"is not a regular file" in done.stderr
    assert_untouched(log, before)


# --- item 27 and "one writer": Document.save(path), stats --svg/--badge ----------------------


def test_save_to_a_missing_folder_is_a_write_error(tmp_path: Path) -> None:
    doc = loads(LOG_BYTES.decode())
    with pytest.raises(WriteError, match="does not exist; create it first"):
        doc.save(tmp_path / "no" / "such" / "log.md")


def test_save_into_a_read_only_folder_is_a_studylog_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    immutable = subprocess.run(["lsattr", "-d", str(folder)], capture_output=True, text=True)
    if "i" not in immutable.stdout.split()[0] if immutable.stdout else True:
        if os.geteuid() == 0:
            pytest.skip("this file system has no immutable flag and root ignores modes")
        folder.chmod(0o555)
    try:
        doc = loads(LOG_BYTES.decode())
        with pytest.raises(StudylogError) as caught:
            doc.save(folder / "log.md")
        assert not isinstance(caught.value, OSError)
        assert "log.md" in str(caught.value)
        assert os.listdir(folder) == []
    finally:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True, check=False)
        folder.chmod(0o755)


def test_save_to_a_dangling_link_is_refused_and_the_link_kept(tmp_path: Path) -> None:
    link = tmp_path / "log.md"
    link.symlink_to("missing/target.md")
    doc = loads(LOG_BYTES.decode())
    with pytest.raises(WriteError, match=r"symbolic link to missing/target\.md.*remove the link"):
        doc.save(link)
    assert link.is_symlink() and os.readlink(link) == "missing/target.md"
    assert_no_temp_files(tmp_path)


def test_save_to_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    # The mode comes from the kernel applying the umask at creation (set here in a child so
    # that this test process's umask is never changed).
    code = (
        "import os, sys\n"
        "os.umask(0o027)\n"
        "from studylog_md import loads\n"
        "loads('- [ ] a\\n').save(sys.argv[1])\n"
    )
    target = tmp_path / "new.md"
    subprocess.run([sys.executable, "-c", code, str(target)], check=True, timeout=TIMEOUT)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_bytes() == b"- [ ] a\n"
    assert_no_temp_files(tmp_path)


def test_save_never_overwrites_a_file_that_appeared(tmp_path: Path) -> None:
    from studylog_md.safe_write import write_file

    target = tmp_path / "log.md"
    target.write_bytes(b"someone else's\n")
    with pytest.raises(FileChangedError, match="already exists"):
        write_file(target, b"ours\n", create=True)
    assert target.read_bytes() == b"someone else's\n"


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    target = tmp_path / "log.md"
    loads(LOG_BYTES.decode()).save(target)
    assert load(target).to_bytes() == LOG_BYTES


@pytest.mark.parametrize("option", ["--svg", "--badge"])
def test_generated_files_keep_mode_and_links(log: Path, option: str) -> None:
    folder = log.parent
    real = folder / "real.out"
    real.write_bytes(b"old")
    real.chmod(0o604)
    (folder / "out").symlink_to("real.out")
    result = run_cli("stats", option, "out", str(log), cwd=folder)
    assert result.returncode == 0, result.describe()
    assert (folder / "out").is_symlink()  # the link stays a link; its target is replaced
    assert real.read_bytes() != b"old"
    assert stat.S_IMODE(real.stat().st_mode) == 0o604
    assert_no_temp_files(folder)


def test_a_generated_file_to_a_dangling_link_is_refused(log: Path) -> None:
    (log.parent / "chart.svg").symlink_to("nowhere/chart.svg")
    result = run_cli("stats", "--svg", "chart.svg", str(log), cwd=log.parent)
    assert_user_error(result, "chart.svg is a symbolic link to nowhere/chart.svg")
    assert (log.parent / "chart.svg").is_symlink()


def test_one_writer_no_other_temp_files_or_umask_reads() -> None:
    # Every file the tool writes goes through safe_write: no module but safe_write makes
    # temporary files or renames, and nothing reads the umask (os.umask sets it: a race
    # with every other thread).
    offenders = []
    # The link cache is an SQLite database that SQLite itself builds in a temporary file
    # before it is linked into place (never replacing a file): not bytes we could hand to
    # safe_write, and never the user's log.
    exempt = {"safe_write.py", "linkcheck/cache.py"}
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "os.umask(" in text:
            offenders.append(f"{path.name}: os.umask")
        if path.relative_to(SRC).as_posix() in exempt:
            continue
        for needle in ("mkstemp", "NamedTemporaryFile", "os.replace(", "os.rename("):
            if needle in text:
                offenders.append(f"{path.relative_to(SRC)}: {needle}")
    assert not offenders, offenders
