"""GitHub heading slugs, HTML anchors and fragment matching (``studylog_md.lint.anchors``)."""

from __future__ import annotations

import pytest

from studylog_md.lint.anchors import (
    Slugger,
    anchors_for_markdown,
    fragment_matches,
    github_slug,
    heading_anchors,
    heading_text,
    html_anchors,
)

# Expected values follow github-slugger's fixtures (generated from GitHub's own rendering).
SLUGS = [
    ("alpha", "alpha"),
    ("bravoCharlieDelta", "bravocharliedelta"),
    ("__proto__", "__proto__"),
    ("heading with a - dash", "heading-with-a---dash"),
    ("heading with an _ underscore", "heading-with-an-_-underscore"),
    ("heading with a period.txt", "heading-with-a-periodtxt"),
    (
        "exchange.bind_headers(exchange, routing [, bindCallback])",
        "exchangebind_headersexchange-routing--bindcallback",
    ),
    ("Getting Started!", "getting-started"),
    ("What's new? (2024)", "whats-new-2024"),
    ("C++ & C#", "c--c"),
    (" ", "-"),
    (" a ", "-a-"),
    ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
    # symbols and emoji are removed, the spaces around them stay
    ("I ♥ unicode", "i--unicode"),
    ("😄 unicode emoji", "-unicode-emoji"),
    ("😄-😄 unicode emoji", "--unicode-emoji"),
    ("😄_😄 unicode emoji", "_-unicode-emoji"),
    ("😄 - an emoji", "---an-emoji"),
    ("✅ Done 🎉", "-done-"),
    ("👩‍💻 Coding", "-coding"),  # a ZWJ sequence: the joiner (a format character) goes too
    (":smile: - a gemoji", "smile---a-gemoji"),
    (":ok_hand: Single", "ok_hand-single"),
    # dashes other than "-" are punctuation
    ("en–dash", "endash"),
    ("em—dash", "emdash"),
    ("a- ֊ ‐ – — －b", "a------b"),
    # non-Latin scripts are kept, lower-cased
    ("Привет", "привет"),
    ("Профили пользователей", "профили-пользователей"),
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    ("日本語のテスト", "日本語のテスト"),
    ("한국어 제목", "한국어-제목"),
    ("हिन्दी शीर्षक", "हिन्दी-शीर्षक"),  # combining marks stay
    ("العربية ١٢٣", "العربية-١٢٣"),  # Arabic-Indic digits are decimal numbers
    ("Ελληνικά ΣΟΦΙΑ", "ελληνικά-σοφια"),
    ("Ǆemal Æsir", "ǆemal-æsir"),
    # categories one by one
    ("a_ ‿ ⁀ ⁔ ＿b", "a_-‿-⁀-⁔-＿b"),  # connector punctuation stays
    ("a) ] } 」 ）b", "a----b"),  # close punctuation goes
    ("a« “ ‹b", "a--b"),  # initial punctuation goes
    ("a$ ¢ £ € ₹b", "a----b"),  # currency symbols go
    ("a+ < = > ± ×b", "a-----b"),  # math symbols go
    ("a² ½ ③b", "a--b"),  # other numbers go
    ("aⅠ ⅱ 〇b", "aⅰ-ⅱ-〇b"),  # letter numbers stay
    ("Ⓐ and ⓑ", "ⓐ-and-ⓑ"),  # symbols that are alphabetic stay
    ("a\u200bb\u00adc", "abc"),  # format characters go
    ("a\u00a0b\u3000c", "abc"),  # separators other than the ASCII space go
    ("a\tb", "ab"),  # controls go
    ("x\u0301y", "x\u0301y"),  # a combining mark stays
    ("", ""),
]


@pytest.mark.parametrize(("text", "slug"), SLUGS)
def test_github_slug(text: str, slug: str) -> None:
    assert github_slug(text) == slug


# github-slugger's repetition fixtures, in order, through one Slugger.
SEQUENCE = [
    ("alpha", "alpha"),
    ("alpha", "alpha-1"),
    ("echo", "echo"),
    ("echo", "echo-1"),
    ("echo 1", "echo-1-1"),
    ("echo-1", "echo-1-2"),
    ("echo", "echo-2"),
    ("foxtrot-1", "foxtrot-1"),
    ("foxtrot", "foxtrot"),
    ("foxtrot", "foxtrot-2"),
    (" a ", "-a-"),
    ("-a-", "-a--1"),
    ("golf", "golf"),
    ("golf", "golf-1"),
    ("golf", "golf-2"),
    ("Golf!", "golf-3"),
]


def test_slugger_repeated_headings_like_github_slugger() -> None:
    slugger = Slugger()
    assert [slugger.slug(text) for text, _ in SEQUENCE] == [slug for _, slug in SEQUENCE]


def test_slugger_reset_forgets() -> None:
    slugger = Slugger()
    assert slugger.slug("Notes") == "notes"
    assert slugger.slug("Notes") == "notes-1"
    slugger.reset()
    assert slugger.slug("Notes") == "notes"


def test_slugger_empty_headings_repeat_too() -> None:
    slugger = Slugger()
    assert [slugger.slug(t) for t in ("🎉", "🎉", "!")] == ["", "-1", "-2"]


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Plain heading", "Plain heading"),
        ("[**Deep** Learning](https://x.example)", "Deep Learning"),
        ("`code` and *emphasis* and _more_", "code and emphasis and more"),
        ("~~old~~ new", "old new"),
        ("Foo &amp; Bar &#169;", "Foo & Bar ©"),
        ("snake\\_case and a\\*b", "snake_case and a*b"),
        ("snake_case_name", "snake_case_name"),
        ("<img src=x> Icon <b>bold</b>", " Icon bold"),
        ("Logo ![alt text](logo.png)", "Logo "),
        ("a  b", "a  b"),
        ("<https://example.com>", "https://example.com"),
    ],
)
def test_heading_text(markdown: str, text: str) -> None:
    assert heading_text(markdown) == text


def test_heading_anchors_strip_markdown_then_slug_in_order() -> None:
    raw = ["[Study Log](https://x.example)", "`Getting` *Started*!", "Getting Started"]
    assert heading_anchors(raw) == {"study-log", "getting-started", "getting-started-1"}


@pytest.mark.parametrize(
    ("source", "anchors"),
    [
        ('<a name="books"></a>', {"books"}),
        ('<a id="books"></a>', {"books"}),
        ("<A NAME='books'></A>", {"books"}),
        ("<div id=papers>", {"papers"}),
        ('<h2 class="x" id="videos" data-y=1>Videos</h2>', {"videos"}),
        ('<h2\n  id="multi"\n>', {"multi"}),
        ('<img id="logo" src="l.png"/>', {"logo"}),
        ('<a id="a&amp;b">', {"a&b"}),
        ('<p name="not-an-anchor">', set()),
        ('<div data-id="x" idx="y">', set()),
        ('<div id="">', set()),
        ("text with a < sign and id=x", set()),
        ("```html\n<a id=\"in-code\"></a>\n```\n<a id='outside'></a>", {"outside"}),
        ("~~~\n<a id=x>\n~~~~\n<a id=y>", {"y"}),
        ("no html here", set()),
    ],
)
def test_html_anchors(source: str, anchors: set[str]) -> None:
    assert html_anchors(source) == anchors


def test_html_anchors_are_fast_on_hostile_input() -> None:
    # Each of these took quadratic-or-worse time with a looser tag pattern.
    for source in ["<a " * 20000, "<a " + "x " * 20000, '<a x="' * 20000]:
        assert html_anchors(source) == set()


def test_anchors_for_markdown_with_known_headings() -> None:
    source = "# Intro\n\n## Intro\n\n<a name='custom'></a>\n"
    assert anchors_for_markdown(["Intro", "Intro"], source) == {"intro", "intro-1", "custom"}


def test_anchors_for_markdown_from_the_source_alone() -> None:
    source = (
        "\ufeff# Guide\n\n## Getting started\n\nSetext heading\n--------------\n\n"
        '## Getting started\n\n```md\n# Not a heading\n```\n\n<a name="custom-anchor"></a>\n'
    )
    assert anchors_for_markdown(source) == {
        "guide",
        "getting-started",
        "setext-heading",
        "getting-started-1",
        "custom-anchor",
    }


def test_anchors_for_markdown_refuses_a_mixed_up_call() -> None:
    with pytest.raises(TypeError):
        anchors_for_markdown("# Heading", "# Heading")  # one string is not a list of headings


ANCHORS = frozenset({"getting-started", "getting-started-1", "привет", "books", "Custom"})


@pytest.mark.parametrize(
    ("fragment", "matches"),
    [
        ("getting-started", True),
        ("getting-started-1", True),
        ("getting-started-2", False),
        ("Getting-Started", True),  # GitHub falls back to the lower-case fragment
        ("custom", True),
        ("привет", True),
        ("%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82", True),
        ("user-content-books", True),
        ("", True),
        ("top", True),
        ("TOP", True),
        ("L10", True),
        ("L10-L20", True),
        ("L10C2-L12C5", True),
        (":~:text=some%20words", True),
        ("books:~:text=x", True),
        ("nope:~:text=x", False),
        ("videos", False),
        ("getting started", False),
        ("L", False),
    ],
)
def test_fragment_matches(fragment: str, matches: bool) -> None:
    assert fragment_matches(fragment, ANCHORS) is matches


def test_fragment_matches_case_sensitive_on_request() -> None:
    assert fragment_matches("Custom", ANCHORS, case_sensitive=True)
    assert not fragment_matches("Getting-Started", ANCHORS, case_sensitive=True)
    assert fragment_matches("getting-started", ANCHORS, case_sensitive=True)
