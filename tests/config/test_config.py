"""Configuration: where it is found, what it accepts, and what it refuses (naming the key)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from shared_paths import ROOT

import studylog_md
from studylog_md.config import (
    Config,
    LinksConfig,
    clear_cache,
    find_config_file,
    load_config,
    load_config_file,
)
from studylog_md.document.markers import Status
from studylog_md.errors import ConfigError
from studylog_md.linkcheck.sites import MissingVariable, Sites
from studylog_md.safe_write import DEFAULT_MAX_BYTES


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def pyproject(folder: Path, body: str) -> Path:
    return write(folder / "pyproject.toml", "[project]\nname = 'x'\n\n[tool.studylog-md]\n" + body)


def config_error(tmp_path: Path, body: str, *, own_file: bool = False) -> str:
    if own_file:
        write(tmp_path / ".studylog-md.toml", body)
    else:
        pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    return str(info.value)


# --- finding the file ----------------------------------------------------------------------


def test_no_configuration_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = load_config(tmp_path)
    assert config == Config()
    assert config.source is None
    assert config.select is None and config.ignore == frozenset()
    assert config.max_bytes == DEFAULT_MAX_BYTES


def test_nearest_pyproject_walking_up(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    source = pyproject(tmp_path, 'ignore = ["column-count"]\n')
    nested = tmp_path / "docs" / "notes"
    nested.mkdir(parents=True)
    config = load_config(nested)
    assert config.source == source
    assert config.ignore == frozenset({"column-count"})


def test_start_may_be_a_file(tmp_path: Path) -> None:
    source = pyproject(tmp_path, "max-bytes = 1000\n")
    log = write(tmp_path / "README.md", "# Log\n")
    assert load_config(log).source == source


def test_own_file_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    pyproject(tmp_path, "max-bytes = 111\n")
    own = write(tmp_path / ".studylog-md.toml", "max-bytes = 222\n")
    config = load_config(tmp_path)
    assert config.source == own
    assert config.max_bytes == 222


def test_pyproject_without_our_table_does_not_hide_the_parent(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    parent = pyproject(tmp_path, "max-bytes = 333\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project]\nname = 'pkg'\n")
    assert load_config(tmp_path / "pkg").source == parent


def test_a_pyproject_that_never_names_us_is_not_parsed(tmp_path: Path) -> None:
    # Another tool's pyproject.toml is skipped by a byte search, so a TOML mistake in it is
    # not our error; one that names us is parsed, and its mistake is reported.
    (tmp_path / ".git").mkdir()
    parent = pyproject(tmp_path, "max-bytes = 333\n")
    write(tmp_path / "pkg" / "pyproject.toml", "[project\nname = 'pkg'\n")
    assert load_config(tmp_path / "pkg").source == parent
    clear_cache()
    bad = write(tmp_path / "pkg" / "pyproject.toml", "[tool.'studylog-md'\nmax-bytes = 1\n")
    with pytest.raises(ConfigError, match="invalid TOML") as info:
        load_config(tmp_path / "pkg")
    assert str(bad) in str(info.value)
    clear_cache()
    quoted = write(tmp_path / "pkg" / "pyproject.toml", "[tool.'studylog-md']\nmax-bytes = 9\n")
    assert load_config(tmp_path / "pkg").source == quoted


def test_nearer_file_wins_and_files_are_not_merged(tmp_path: Path) -> None:
    pyproject(tmp_path, 'ignore = ["column-count"]\nmax-bytes = 5\n')
    inner = write(tmp_path / "sub" / ".studylog-md.toml", "max-bytes = 7\n")
    config = load_config(tmp_path / "sub")
    assert config.source == inner
    assert config.max_bytes == 7
    assert config.ignore == frozenset()


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    pyproject(tmp_path, "max-bytes = 1\n")  # outside the repository
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config_file(repo / "docs") is None
    assert load_config(repo) == Config()


def test_repository_root_itself_is_searched_and_git_file_counts(tmp_path: Path) -> None:
    repo = tmp_path / "worktree"
    repo.mkdir()
    (repo / ".git").write_text("gitdir: /elsewhere\n")  # worktrees and submodules
    own = write(repo / ".studylog-md.toml", "max-bytes = 9\n")
    assert load_config(repo / "a" / "b").source == own


def test_explicit_file_is_used_regardless_of_the_folder(tmp_path: Path) -> None:
    pyproject(tmp_path, "max-bytes = 1\n")
    explicit = write(tmp_path / "elsewhere" / "lint.toml", "max-bytes = 42\n")
    config = load_config(tmp_path, explicit)
    assert config.max_bytes == 42 and config.source == explicit


def test_explicit_pyproject_needs_our_table(tmp_path: Path) -> None:
    bare = write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"has no \[tool.studylog-md\] table"):
        load_config(tmp_path, bare)


def test_explicit_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path, tmp_path / "nope.toml")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    bad = write(tmp_path / ".studylog-md.toml", "select = [\n")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(bad) in str(info.value) and "invalid TOML" in str(info.value)


def test_cached_per_folder_and_reread_when_the_file_changes(tmp_path: Path) -> None:
    own = write(tmp_path / ".studylog-md.toml", "max-bytes = 10\n")
    first = load_config(tmp_path)
    assert load_config(tmp_path) is first
    own.write_text("max-bytes = 20000\n")
    stat = own.stat()
    os.utime(own, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert load_config(tmp_path).max_bytes == 20000


# --- values --------------------------------------------------------------------------------


def test_every_key_is_read(tmp_path: Path) -> None:
    pyproject(
        tmp_path,
        """
select = ["column-count", "SL002"]
ignore = ["split-cell"]
done-markers = ["🆗"]
todo-markers = ["🕳"]
in-progress-markers = ["👀"]
duplicate-url-allow = ["https://example.com/*"]
max-bytes = 4096

[tool.studylog-md.per-file-ignores]
"CHANGELOG.md" = ["column-count"]

[tool.studylog-md.links]
timeout = 3
max-concurrency = 4
host-concurrency = 1
host-interval = 0
max-cache-age = "2d"
cache = "cache/links.sqlite"
exclude = ["^https://intra\\\\."]

[tool.studylog-md.links.accept-status]
"www.linkedin.com" = [999]

[tool.studylog-md.links.headers."api.github.com"]
Authorization = "Bearer ${TOKEN}"
""",
    )
    config = load_config(tmp_path)
    # codes are turned into names, so the engine and the reporters see one spelling
    assert config.select == frozenset({"column-count", "row-without-pipes"})
    assert config.ignore == frozenset({"split-cell"})
    assert config.done_markers == ("🆗",)
    assert config.todo_markers == ("🕳",)
    assert config.in_progress_markers == ("👀",)
    assert config.duplicate_url_allow == ("https://example.com/*",)
    assert config.max_bytes == 4096
    assert config.per_file_ignores == (("CHANGELOG.md", frozenset({"column-count"})),)
    links = config.links
    assert (links.timeout, links.max_concurrency, links.host_concurrency) == (3.0, 4, 1)
    assert links.host_interval == 0.0
    assert links.max_cache_age == 2 * 86400
    assert links.cache == tmp_path / "cache" / "links.sqlite"
    assert links.cache_enabled
    sites = Sites.of(links, {"TOKEN": "t0k"})
    assert sites.accepted("www.linkedin.com", 999) and not sites.accepted("linkedin.com", 999)
    assert [pattern.pattern for pattern in links.exclude] == ["^https://intra\\."]
    assert sites.headers_for("api.github.com") == {"Authorization": "Bearer t0k"}


def test_links_defaults() -> None:
    links = LinksConfig()
    assert links.timeout > 0 and links.max_concurrency >= links.host_concurrency >= 1
    assert links.cache is None and links.cache_enabled
    sites = Sites.of(links, {})
    assert not sites.accepted("example.com", 403)
    assert sites.headers_for("example.com") == {}
    assert links.exclude == ()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("90", 90.0), ("3600", 3600.0), ('"90m"', 5400.0), ('"12h"', 43200.0), ('"1w"', 604800.0)],
)
def test_max_cache_age_units(tmp_path: Path, value: str, seconds: float) -> None:
    write(tmp_path / ".studylog-md.toml", f"[links]\nmax-cache-age = {value}\n")
    assert load_config(tmp_path).links.max_cache_age == seconds


def test_cache_false_turns_it_off(tmp_path: Path) -> None:
    write(tmp_path / ".studylog-md.toml", "[links]\ncache = false\n")
    links = load_config(tmp_path).links
    assert not links.cache_enabled and links.cache is None


def test_host_patterns_match_subdomains_only(tmp_path: Path) -> None:
    write(
        tmp_path / ".studylog-md.toml",
        """
[links.accept-status]
"*.medium.com" = [403]
"medium.com" = [429]

[links.headers."*.example.com"]
X-Token = "wild"
X-Other = "w"
[links.headers."api.example.com"]
X-Token = "exact $$5 ${A}"
""",
    )
    links = load_config(tmp_path).links
    sites = Sites.of(links, {"A": "a"})
    assert sites.accepted("blog.medium.com", 403) and not sites.accepted("blog.medium.com", 429)
    assert sites.accepted("Medium.com", 429) and not sites.accepted("Medium.com", 403)
    assert not sites.accepted("notmedium.com", 403) and not sites.accepted("notmedium.com", 429)
    assert sites.headers_for("api.example.com") == {"X-Token": "exact $5 a", "X-Other": "w"}
    assert sites.headers_for("www.example.com") == {"X-Token": "wild", "X-Other": "w"}
    assert sites.headers_for("example.com") == {}


def test_missing_environment_variable_is_reported_only_when_used(tmp_path: Path) -> None:
    write(tmp_path / ".studylog-md.toml", '[links.headers."h.example"]\nAuth = "${NOPE_TOKEN}"\n')
    links = load_config(tmp_path).links  # offline commands are not affected
    with pytest.raises(MissingVariable, match="NOPE_TOKEN"):
        Sites.of(links, {}).headers_for("h.example")


def test_vocabulary_adds_the_extra_markers(tmp_path: Path) -> None:
    write(tmp_path / ".studylog-md.toml", 'done-markers = ["🆗"]\ntodo-markers = ["🕳"]\n')
    vocabulary = load_config(tmp_path).vocabulary()
    assert vocabulary.classify("🆗").status is Status.DONE
    assert vocabulary.classify("🕳").status is Status.TODO
    assert vocabulary.classify("✅").status is Status.DONE  # the defaults stay
    assert Config().vocabulary().classify("🆗").status is Status.UNKNOWN


# --- per-file-ignores ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("CHANGELOG.md", "CHANGELOG.md", True),
        ("CHANGELOG.md", "docs/CHANGELOG.md", True),  # no "/" in the glob: any folder
        ("*.fr.md", "i18n/README.fr.md", True),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),  # * does not cross folders
        ("docs/**/*.md", "docs/sub/deep/a.md", True),
        ("docs/**/*.md", "docs/a.md", True),
        ("archive/**", "archive/2020/log.md", True),
        ("archive/", "archive/2020/log.md", True),
        ("/README.md", "README.md", True),
        ("./README.md", "sub/README.md", False),
        ("log-[0-9].md", "log-7.md", True),
        ("log-[!0-9].md", "log-7.md", False),
        ("log-?.md", "log-ab.md", False),
        ("a+b.md", "a+b.md", True),  # regex characters are literal
    ],
)
def test_per_file_ignore_globs(tmp_path: Path, glob: str, path: str, matches: bool) -> None:
    body = (
        'ignore = ["split-cell"]\n'
        f'[tool.studylog-md.per-file-ignores]\n"{glob}" = ["column-count"]\n'
    )
    pyproject(tmp_path, body)
    config = load_config(tmp_path)
    ignored = config.ignored_for(tmp_path / path)
    assert ("column-count" in ignored) is matches
    assert "split-cell" in ignored


def test_lint_options_apply_per_file_ignores(tmp_path: Path) -> None:
    pyproject(
        tmp_path,
        'select = ["column-count", "split-cell"]\nduplicate-url-allow = ["https://x/*"]\n'
        '[tool.studylog-md.per-file-ignores]\n"drafts/**" = ["SL001"]\n',
    )
    config = load_config(tmp_path)
    draft = config.lint_options(tmp_path / "drafts" / "a.md")
    final = config.lint_options(tmp_path / "README.md")
    assert draft.ignore == frozenset({"column-count"})
    assert final.ignore == frozenset()
    assert draft.select == frozenset({"column-count", "split-cell"})
    assert final.duplicate_url_allow == ("https://x/*",)


# --- errors name the key and the file --------------------------------------------------------


def test_unknown_top_level_key(tmp_path: Path) -> None:
    message = config_error(tmp_path, 'selct = ["column-count"]\n')
    assert "tool.studylog-md.selct" in message
    assert "did you mean 'select'" in message
    assert str(tmp_path / "pyproject.toml") in message


def test_unknown_key_in_own_file_has_no_prefix(tmp_path: Path) -> None:
    message = config_error(tmp_path, "max_bytes = 3\n", own_file=True)
    assert "unknown key max_bytes" in message and "max-bytes" in message
    assert str(tmp_path / ".studylog-md.toml") in message


def test_unknown_key_in_links(tmp_path: Path) -> None:
    message = config_error(tmp_path, "[tool.studylog-md.links]\ntimout = 3\n")
    assert "tool.studylog-md.links.timout" in message and "timeout" in message


@pytest.mark.parametrize(
    ("body", "key", "words"),
    [
        ('select = "column-count"\n', "tool.studylog-md.select", "list of strings"),
        ("ignore = [1]\n", "tool.studylog-md.ignore", "list of strings"),
        ("max-bytes = true\n", "tool.studylog-md.max-bytes", "whole number"),
        ("max-bytes = 0\n", "tool.studylog-md.max-bytes", "greater than 0"),
        ("max-bytes = 1.5\n", "tool.studylog-md.max-bytes", "whole number"),
        ('done-markers = [""]\n', "tool.studylog-md.done-markers", "empty"),
        ('per-file-ignores = ["a"]\n', "tool.studylog-md.per-file-ignores", "table"),
        ("links = 3\n", "tool.studylog-md.links", "table"),
        ('[tool.studylog-md.links]\ntimeout = "10"\n', "links.timeout", "number"),
        ("[tool.studylog-md.links]\ntimeout = 0\n", "links.timeout", "more than 0"),
        ("[tool.studylog-md.links]\nmax-concurrency = 2.5\n", "links.max-concurrency", "whole"),
        ("[tool.studylog-md.links]\nhost-interval = -1\n", "links.host-interval", "at least 0"),
        ('[tool.studylog-md.links]\nmax-cache-age = "soon"\n', "links.max-cache-age", "'7d'"),
        ("[tool.studylog-md.links]\ncache = 3\n", "links.cache", "path or false"),
        ('[tool.studylog-md.links]\nexclude = ["("]\n', "links.exclude", "regular expression"),
        (
            '[tool.studylog-md.links.accept-status]\n"a.example" = [200, "x"]\n',
            "links.accept-status.",
            "status codes",
        ),
        (
            '[tool.studylog-md.links.accept-status]\n"a.example" = [1000]\n',
            "links.accept-status.",
            "not an HTTP status",
        ),
        (
            '[tool.studylog-md.links.accept-status]\n"a b" = [404]\n',
            "links.accept-status",
            "not a host name",
        ),
        (
            '[tool.studylog-md.links.headers."a.example"]\nX = 1\n',
            "links.headers.",
            "expected a string",
        ),
        (
            '[tool.studylog-md.links.headers."a.example"]\n"Bad Name" = "v"\n',
            "links.headers.",
            "header name",
        ),
        (
            '[tool.studylog-md.links.headers."a.example"]\nX = "${1BAD}"\n',
            "links.headers.",
            "variable reference",
        ),
        (
            '[tool.studylog-md.links.headers."a.example"]\nX = "a\\nb"\n',
            "links.headers.",
            "line break",
        ),
    ],
)
def test_wrong_types_name_the_key(tmp_path: Path, body: str, key: str, words: str) -> None:
    message = config_error(tmp_path, body)
    assert key in message
    assert words in message
    assert str(tmp_path / "pyproject.toml") in message


def test_unknown_rule_names_the_rule_and_the_key(tmp_path: Path) -> None:
    message = config_error(tmp_path, 'ignore = ["column-cuont"]\n')
    assert "tool.studylog-md.ignore" in message
    assert "'column-cuont'" in message and "did you mean 'column-count'" in message


def test_unknown_rule_in_per_file_ignores(tmp_path: Path) -> None:
    message = config_error(tmp_path, '[tool.studylog-md.per-file-ignores]\n"*.md" = ["nope"]\n')
    assert 'tool.studylog-md.per-file-ignores."*.md"' in message and "'nope'" in message


def test_load_config_file_reads_one_file(tmp_path: Path) -> None:
    own = write(tmp_path / "custom.toml", 'ignore = ["SL001"]\n')
    assert load_config_file(own).ignore == frozenset({"column-count"})


def test_the_examples_in_the_documentation_are_valid(tmp_path: Path) -> None:
    import re

    docs = ROOT / "docs" / "configuration.md"
    blocks = re.findall(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 2
    pyproject_example = write(tmp_path / "a" / "pyproject.toml", blocks[0])
    own_example = write(tmp_path / "b" / ".studylog-md.toml", blocks[1])
    for example in (pyproject_example, own_example):
        config = load_config(example.parent)
        assert config.source == example
        assert config.ignore == frozenset({"expiring-url"})
        assert Sites.of(config.links, {"GITHUB_TOKEN": "t"}).headers_for("api.github.com") == {
            "Authorization": "Bearer t"
        }


# --- column names and duplicate scope (issue 12) ------------------------------------------

_DAY_LOG = (
    "| Day | Lesson | Topic | Estado |\n|---|---|---|---|\n"
    "| 1 | Recursion | Algorithms | ✅ |\n| 2 | Graphs | Algorithms | ⬜ |\n"
)


def test_columns_name_the_roles_and_globs_override_them(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    pyproject(
        tmp_path,
        '[tool.studylog-md.columns]\ntitle = "Topic"\nstatus = ["Estado"]\n'
        '[tool.studylog-md.columns."days/*.md"]\ntitle = "Lesson"\ncategory = "Topic"\n',
    )
    config = load_config(tmp_path)
    top = write(tmp_path / "README.md", _DAY_LOG)
    day = write(tmp_path / "days" / "week1.md", _DAY_LOG)
    names = config.columns_for(top)
    assert names is not None and (names.title, names.status) == (("Topic",), ("Estado",))
    doc = studylog_md.load(top, vocabulary=config.vocabulary(top))
    assert [e.title for e in doc.entries] == ["Algorithms", "Algorithms"]
    doc = studylog_md.load(day, vocabulary=config.vocabulary(day))
    assert [(e.title, e.category, e.status) for e in doc.entries] == [
        ("Recursion", "Algorithms", Status.DONE),
        ("Graphs", "Algorithms", Status.TODO),
    ]
    # The names travel with the vocabulary: a toggle's re-parse reads the same columns.
    doc.toggle("Graphs")
    assert doc.find("Graphs").status is Status.DONE


def test_duplicate_title_scope_reaches_the_lint_options(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    pyproject(tmp_path, 'duplicate-title-scope = "file"\n')
    config = load_config(tmp_path)
    assert config.lint_options(tmp_path / "a.md").duplicate_title_scope == "file"
    assert load_config(tmp_path / "x").duplicate_title_scope == "file"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('duplicate-title-scope = "heading"\n', 'expected "section" or "file"'),
        ("[tool.studylog-md.columns]\ntitel = 'Topic'\n", "did you mean 'title'"),
        ("[tool.studylog-md.columns]\ntitle = 3\n", "expected a list of strings"),
        ('[tool.studylog-md.columns."*.md"]\nstatuz = "x"\n', 'columns."*.md".statuz'),
    ],
)
def test_column_and_scope_mistakes_name_the_key(tmp_path: Path, body: str, message: str) -> None:
    assert message in config_error(tmp_path, body)
