"""URL canonicalisation, tracking parameters and signed-URL expiry (``studylog_md.urls``)."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shared_paths import SHARED

from studylog_md.urls import (
    Expiry,
    canonical_url,
    expiry,
    expiry_date,
    is_http,
    split_fragment,
    strip_tracking,
    tracking_params,
)

# Located here rather than imported from conftest: tests/linkcheck/conftest.py can shadow the
# name "conftest" when the whole suite runs.
SEED = SHARED / "seed" / "STUDY_LOG.md"
SEED_ARXIV = (
    "https://arxiv.org/abs/2201.11903?utm_campaign=The%20Batch&utm_source=hs_email"
    "&utm_medium=email&_hsenc=p2ANqtz-9kgISsDFvuO8MZlBnFosRC4C4FiNqno6ahMESpHrnRkOKvDeon1AkJ43"
    "ZnkA-hwbA6vq6q"
)
VIDEO = "https://www.youtube.com/watch?v=wjZofJX0v4M"

# --- canonical_url -------------------------------------------------------------------------------

EQUIVALENT = [
    # scheme, host, port
    ("http://example.com/a", "https://example.com/a"),
    ("https://EXAMPLE.com/a", "https://example.com/a"),
    ("HTTPS://example.com/a", "https://example.com/a"),
    ("https://www.example.com/a", "https://example.com/a"),
    ("https://m.example.com/a", "https://example.com/a"),
    ("https://example.com:443/a", "https://example.com/a"),
    ("http://example.com:80/a", "https://example.com/a"),
    ("https://example.com./a", "https://example.com/a"),
    ("https://Bücher.example/a", "https://xn--bcher-kva.example/a"),
    ("//example.com/a", "https://example.com/a"),
    ("www.example.com/a", "https://example.com/a"),
    ("  https://example.com/a  ", "https://example.com/a"),
    ("https://en.m.wikipedia.org/wiki/Markdown", "https://en.wikipedia.org/wiki/Markdown"),
    # path
    ("https://example.com/a/", "https://example.com/a"),
    ("https://example.com/", "https://example.com"),
    ("https://example.com/docs/index.html", "https://example.com/docs/"),
    ("https://example.com/index.htm", "https://example.com"),
    ("https://example.com/blog/INDEX.PHP", "https://example.com/blog"),
    ("https://example.com/%7Euser", "https://example.com/~user"),
    ("https://example.com/caf%c3%a9", "https://example.com/café"),
    ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com/a/./b/../c", "https://example.com/a/c"),
    # fragment and query: only fragments that point nowhere in particular are ignored
    ("https://example.com/a#", "https://example.com/a"),
    ("https://example.com/a#top", "https://example.com/a"),
    ("https://example.com/a#:~:text=deep%20learning", "https://example.com/a"),
    ("https://example.com/a#caf%c3%a9", "https://example.com/a#café"),
    ("https://example.com/a?utm_source=x&id=3", "https://example.com/a?id=3"),
    ("https://example.com/a?FBCLID=x&id=3&gclid=y", "https://example.com/a?id=3"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("https://example.com/s?q=a+b", "https://example.com/s?q=a%20b"),
    ("https://example.com/s?q=%7e", "https://example.com/s?q=~"),
    ("https://example.com/a?", "https://example.com/a"),
    ("https://example.com/a?x=1&&y=2", "https://example.com/a?y=2&x=1"),
    ("https://example.com/#/docs/intro", "http://www.example.com/#/docs/intro"),
    # arXiv: one key per paper
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/pdf/2201.11903"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/pdf/2201.11903.pdf"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/abs/2201.11903v6"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/pdf/2201.11903v2.pdf"),
    ("https://arxiv.org/abs/2201.11903", "http://export.arxiv.org/abs/2201.11903"),
    ("https://arxiv.org/abs/2201.11903", "https://www.arxiv.org/abs/2201.11903/"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/html/2201.11903v2"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/abs/2201.11903?context=cs"),
    ("https://arxiv.org/abs/2201.11903", SEED_ARXIV),
    ("https://arxiv.org/abs/1409.1556", "https://arxiv.org/pdf/1409.1556.pdf"),
    ("https://arxiv.org/abs/hep-th/9901001", "https://arxiv.org/pdf/hep-th/9901001v2"),
    ("https://arxiv.org/abs/math.GT/0309136", "https://arxiv.org/pdf/math.GT/0309136v1.pdf"),
    # YouTube: one key per video
    (VIDEO, "https://youtu.be/wjZofJX0v4M"),
    (VIDEO, "https://youtu.be/wjZofJX0v4M?si=WbPR1KILC5ExC0EP"),
    (VIDEO, "https://m.youtube.com/watch?v=wjZofJX0v4M"),
    (VIDEO, "http://youtube.com/watch?v=wjZofJX0v4M#comments"),
    (VIDEO, "https://www.youtube.com/embed/wjZofJX0v4M"),
    (VIDEO, "https://www.youtube.com/shorts/wjZofJX0v4M"),
    (VIDEO, "https://www.youtube.com/live/wjZofJX0v4M?feature=share"),
    (VIDEO, "https://www.youtube-nocookie.com/embed/wjZofJX0v4M?start=0"),
    (VIDEO, "https://www.youtube.com/watch?feature=share&v=wjZofJX0v4M&ab_channel=X"),
    (
        "https://www.youtube.com/watch?v=YA0pzBYAV2Q&list=PLx&index=8",
        "https://youtu.be/YA0pzBYAV2Q?list=PLx",
    ),
    # one start offset, however it is written
    (VIDEO + "&t=120", "https://youtu.be/wjZofJX0v4M?t=2m"),
    (VIDEO + "&t=90s", "https://www.youtube.com/watch?v=wjZofJX0v4M#t=1:30"),
    (VIDEO + "&t=3723", "https://www.youtube-nocookie.com/embed/wjZofJX0v4M?start=1h2m3s"),
    ("https://www.youtube.com/playlist?list=PLx", "https://m.youtube.com/playlist?list=PLx&si=a"),
    # repositories
    (
        "https://github.com/jwasham/coding-interview-university",
        "https://github.com/jwasham/coding-interview-university.git",
    ),
    (
        "https://github.com/Jwasham/Coding-Interview-University",
        "https://github.com/jwasham/coding-interview-university/",
    ),
    ("https://gitlab.com/o/r.git", "https://gitlab.com/o/r"),
]

DIFFERENT = [
    ("https://example.com/a", "https://example.org/a"),
    ("https://example.com/a", "https://example.com/A"),
    ("https://example.com/a", "https://example.com/a/b"),
    ("https://sub.example.com/a", "https://example.com/a"),
    ("https://example.com:8080/a", "https://example.com/a"),
    ("https://user@example.com/a", "https://example.com/a"),
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://example.com/a?id=1", "https://example.com/a"),
    ("https://example.com/a%2Fb", "https://example.com/a/b"),
    ("https://example.com/s?q=a%2Bb", "https://example.com/s?q=a+b"),
    ("https://example.com/#/docs/a", "https://example.com/#/docs/b"),
    # chapters of one long page are separate entries (seen in the corpus: lecture notes)
    ("https://example.com/notes.html#radixSort", "https://example.com/notes.html#Tries"),
    ("https://example.com/notes.html#tries", "https://example.com/notes.html#Tries"),
    ("https://example.com/notes.html#tries", "https://example.com/notes.html"),
    ("https://example.com/index.html.bak", "https://example.com"),
    ("https://example.com/r.git", "https://example.com/r"),
    ("https://example.com/a", "mailto:a@example.com"),
    ("https://example.com/a", "ftp://example.com/a"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/abs/2201.11904"),
    ("https://arxiv.org/abs/2201.11903", "https://arxiv.org/list/cs.LG/recent"),
    (VIDEO, "https://www.youtube.com/watch?v=kCc8FmEb1nY"),
    (VIDEO, "https://music.youtube.com/watch?v=wjZofJX0v4M"),
    (VIDEO, "https://www.youtube.com/watch?v=wjZofJX0v4M&list=PL1"),
    # two segments of one video are two entries of a log (issue 12)
    (VIDEO + "&t=120", VIDEO + "&t=900"),
    (VIDEO, VIDEO + "&t=42s"),
    (VIDEO, "https://www.youtube-nocookie.com/embed/wjZofJX0v4M?start=10"),
    ("https://youtu.be/wjZofJX0v4M#t=60", "https://youtu.be/wjZofJX0v4M#t=61"),
    ("https://www.youtube.com/playlist?list=PL1", "https://www.youtube.com/playlist?list=PL2"),
    ("https://youtu.be/wjZofJX0v4M", "https://youtu.be/kCc8FmEb1nY"),
    ("https://github.com/o/r", "https://github.com/o/r2"),
    ("https://github.com/o/r", "https://github.com/o/r/issues"),
    ("https://github.com/o/r/blob/main/A.md", "https://github.com/o/r/blob/main/a.md"),
    (
        "https://www.coursera.org/learn/neural-networks-deep-learning?specialization=deep-learning",
        "https://www.coursera.org/learn/deep-neural-network?specialization=deep-learning",
    ),
]


@pytest.mark.parametrize(("a", "b"), EQUIVALENT)
def test_equivalent_urls_share_a_key(a: str, b: str) -> None:
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_resources_have_different_keys(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.arxiv.org/pdf/2201.11903v2.pdf", "arxiv.org/abs/2201.11903"),
        (SEED_ARXIV, "arxiv.org/abs/2201.11903"),
        ("https://youtu.be/wjZofJX0v4M?si=x&t=3", "youtube.com/watch?v=wjZofJX0v4M&t=3"),
        ("https://youtu.be/wjZofJX0v4M?si=x", "youtube.com/watch?v=wjZofJX0v4M"),
        ("https://youtu.be/A?list=PL1&index=2", "youtube.com/watch?v=A&list=PL1"),
        ("https://www.youtube.com/playlist?list=PL1", "youtube.com/playlist?list=PL1"),
        ("http://Example.COM:80/a/index.html?b=2&a=1&utm_source=x#top", "example.com/a?a=1&b=2"),
        ("https://example.com:8443/", "example.com:8443"),
        ("https://example.com/%7euser/a%2fb/%c3%a9 x", "example.com/~user/a%2Fb/%C3%A9%20x"),
        ("https://GitHub.com/Owner/Repo.git", "github.com/owner/repo"),
        ("https://example.com/#!/item/3", "example.com#!/item/3"),
        ("https://example.com/notes.html#Tries", "example.com/notes.html#Tries"),
        ("notes/week1.md", "notes/week1.md"),
        ("MAILTO:me@example.com", "mailto:me@example.com"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_canonical_keys(url: str, key: str) -> None:
    assert canonical_url(url) == key


GARBAGE = [
    "http://[::1",
    "http://[v1.x]/a",
    "https://exa mple.com/a",
    "https://example.com:port/a",
    "https://example.com:99999999999999999999/a",
    "https://%zz.example/%zz?%zz=%zz",
    "https://example.com/\udc80\udcff?q=\ud800",
    "https://\udc80/",
    "https://xn--/a",
    "https://" + "a." * 200 + "com",
    "https://example.com/" + "%" * 50,
    "http://",
    "https://?#",
    "::::",
    "\x00\x01",
    "https://arxiv.org/abs/",
    "https://youtu.be/",
    "https://www.youtube.com/watch",
    "https://www.youtube.com/watch?v=%00",
]


@pytest.mark.parametrize("url", GARBAGE)
def test_garbage_never_raises(url: str) -> None:
    assert isinstance(canonical_url(url), str)
    assert isinstance(tracking_params(url), list)
    assert isinstance(strip_tracking(url), str)
    assert expiry(url) is None or isinstance(expiry(url), Expiry)
    assert isinstance(is_http(url), bool)


URL_CHARS = st.sampled_from(
    list("htps:/?#&=%.wmyoutbecarxiv0123456789[]@_-~+ AZé\udc80")
    + ["https://", "www.", "utm_source=", "youtu.be/", "arxiv.org/pdf/", "oe=", "&Expires="]
)
URLS = st.one_of(st.text(), st.lists(URL_CHARS, max_size=30).map("".join))


@given(URLS)
def test_no_input_makes_them_raise(url: str) -> None:
    assert isinstance(canonical_url(url), str)
    assert isinstance(is_http(url), bool)
    expiry(url)
    stripped = strip_tracking(url)
    # Stripping removes every tracking parameter, and touches nothing when there are none.
    assert tracking_params(stripped) == []
    if not tracking_params(url):
        assert stripped == url


# --- tracking parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "names"),
    [
        (SEED_ARXIV, ["utm_campaign", "utm_source", "utm_medium", "_hsenc"]),
        ("https://a.example/x?UTM_Source=a&utm_medium=b", ["UTM_Source", "utm_medium"]),
        (
            "https://a.example/x?fbclid=1&gclid=2&dclid=3&msclkid=4",
            ["fbclid", "gclid", "dclid", "msclkid"],
        ),
        (
            "https://a.example/x?_hsmi=1&mc_cid=2&mc_eid=3&mkt_tok=4",
            ["_hsmi", "mc_cid", "mc_eid", "mkt_tok"],
        ),
        (
            "https://a.example/x?igshid=1&yclid=2&_ga=3&ref_src=4&spm=5",
            ["igshid", "yclid", "_ga", "ref_src", "spm"],
        ),
        ("https://a.example/x?utm_source=a&utm_source=b", ["utm_source"]),
        ("https://a.example/x?utm%5Fsource=a", ["utm%5Fsource"]),
        ("https://youtu.be/mKZ-i-UfGgQ?si=WbPR1KILC5ExC0EP", ["si"]),
        ("https://www.youtube.com/watch?v=x&pp=abc", ["pp"]),
        ("https://open.spotify.com/track/1?si=abc", ["si"]),
        ("https://x.com/user/status/1?s=20&t=abc", ["s", "t"]),
        ("https://www.linkedin.com/in/x?trk=public_profile", ["trk"]),
        ("https://medium.com/@a/post-1?source=rss", ["source"]),
        # not tracking
        ("https://a.example/x?si=1&s=2&t=3&source=4&trk=5", []),
        ("https://www.youtube.com/watch?v=kCc8FmEb1nY&t=42", []),
        ("https://duckduckgo.com/?q=markdown+tables&ia=web", []),
        ("https://www.coursera.org/learn/x?specialization=deep-learning", []),
        ("https://a.example/x?utm=1&utmsource=2", []),
        ("https://a.example/x#utm_source=fragment", []),
        ("https://a.example/x", []),
    ],
)
def test_tracking_params(url: str, names: list[str]) -> None:
    assert tracking_params(url) == names


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (SEED_ARXIV, "https://arxiv.org/abs/2201.11903"),
        ("https://a.example/x?utm_source=a&id=3#part", "https://a.example/x?id=3#part"),
        ("https://a.example/x?id=3&utm_source=a#part", "https://a.example/x?id=3#part"),
        ("https://a.example/x?b=2&fbclid=z&a=1", "https://a.example/x?b=2&a=1"),
        ("https://a.example/x?fbclid=z", "https://a.example/x"),
        ("https://a.example/x?fbclid=z#frag", "https://a.example/x#frag"),
        ("https://a.example/x?q=%41+b&utm_medium=e", "https://a.example/x?q=%41+b"),
        ("https://a.example/x?a=1&&utm_source=z", "https://a.example/x?a=1"),
        ("https://a.example/x?a=1&&b=2", "https://a.example/x?a=1&&b=2"),
        ("https://a.example/x?flag&utm_source=z", "https://a.example/x?flag"),
        ("https://youtu.be/mKZ-i-UfGgQ?si=WbPR1KILC5ExC0EP", "https://youtu.be/mKZ-i-UfGgQ"),
        ("https://a.example/x#a?utm_source=z", "https://a.example/x#a?utm_source=z"),
        ("https://a.example/x?si=1", "https://a.example/x?si=1"),
    ],
)
def test_strip_tracking_changes_nothing_else(url: str, clean: str) -> None:
    assert strip_tracking(url) == clean


def test_seed_arxiv_link_has_tracking_params() -> None:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    text = SEED.read_text(encoding="utf-8")
    urls = [u for u in re.findall(r"\((https://arxiv\.org/abs/2201\.11903[^)\s]*)\)", text)]
    assert urls, "the seed's tracked arXiv link is gone"
    url = urls[0]
    assert tracking_params(url) == ["utm_campaign", "utm_source", "utm_medium", "_hsenc"]
    assert strip_tracking(url) == "https://arxiv.org/abs/2201.11903"
    assert canonical_url(url) == "arxiv.org/abs/2201.11903"


# --- signed URLs ---------------------------------------------------------------------------------

FBCDN = (
    "https://scontent-lga3-2.xx.fbcdn.net/v/t39.8562-6/240890413_n.pdf?_nc_cat=109&ccb=1-7"
    "&oh=00_AYAM7rvBxNpSahCTFZsFf6ot_C_jnLFDvg9TJFbD3AZ5Ig&oe=67B6D77F"
)


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=timezone.utc)


def _cloudfront_policy(epoch: int) -> str:
    policy = {"Statement": [{"Condition": {"DateLessThan": {"AWS:EpochTime": epoch}}}]}
    raw = base64.b64encode(json.dumps(policy).encode()).decode()
    return raw.replace("+", "-").replace("=", "_").replace("/", "~")


@pytest.mark.parametrize(
    ("url", "kind", "when", "param"),
    [
        (FBCDN, "fbcdn", _utc(2025, 2, 20, 7, 19, 27), "oe"),
        (
            "https://scontent.cdninstagram.com/v/a.jpg?oh=1&oe=67B6D77F",
            "fbcdn",
            _utc(2025, 2, 20, 7, 19, 27),
            "oe",
        ),
        ("https://scontent.xx.fbcdn.net/v/a.jpg?oe=zz", "fbcdn", None, "oe"),
        (
            "https://cdn.discordapp.com/attachments/1/2/a.png?ex=67b6d77f&is=1&hm=abc",
            "discord",
            _utc(2025, 2, 20, 7, 19, 27),
            "ex",
        ),
        (
            "https://media.licdn.com/dms/image/a?e=1740035967&v=beta&t=xyz",
            "licdn",
            _utc(2025, 2, 20, 7, 19, 27),
            "e",
        ),
        (
            "https://rr1---sn-abc.googlevideo.com/videoplayback?expire=1740035967&sig=x",
            "googlevideo",
            _utc(2025, 2, 20, 7, 19, 27),
            "expire",
        ),
        (
            "https://bucket.s3.amazonaws.com/k.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&X-Amz-Signature=abc",
            "s3",
            _utc(2025, 1, 1, 1, 0, 0),
            "X-Amz-Expires",
        ),
        ("https://bucket.s3.amazonaws.com/k?X-Amz-Expires=3600", "s3", None, "X-Amz-Expires"),
        (
            "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256"
            "&X-Goog-Date=20250101T000000Z&X-Goog-Expires=604800&X-Goog-Signature=abc",
            "gcs",
            _utc(2025, 1, 8),
            "X-Goog-Expires",
        ),
        (
            "https://acct.blob.core.windows.net/c/b.pdf?sv=2022-11-02&se=2025-03-01T00%3A00%3A00Z"
            "&sr=b&sp=r&sig=abc%3D",
            "azure-sas",
            _utc(2025, 3, 1),
            "se",
        ),
        (
            "https://acct.blob.core.windows.net/c/b?se=2025-03-01&sig=x",
            "azure-sas",
            _utc(2025, 3, 1),
            "se",
        ),
        (
            "https://d111.cloudfront.net/a.mp4?Expires=1735689600&Signature=abc&Key-Pair-Id=K2",
            "cloudfront",
            _utc(2025, 1, 1),
            "Expires",
        ),
        (
            "https://d111.cloudfront.net/a.mp4?Policy="
            + _cloudfront_policy(1735689600)
            + "&Signature=abc&Key-Pair-Id=K2",
            "cloudfront",
            _utc(2025, 1, 1),
            "Policy",
        ),
        (
            "https://d111.cloudfront.net/a.mp4?Policy=garbage&Signature=abc&Key-Pair-Id=K2",
            "cloudfront",
            None,
            "Policy",
        ),
        (
            "https://b.s3.amazonaws.com/k?AWSAccessKeyId=A&Expires=1735689600&Signature=x",
            "s3",
            _utc(2025, 1, 1),
            "Expires",
        ),
        (
            "https://storage.googleapis.com/b/o?GoogleAccessId=a&Expires=1735689600&Signature=x",
            "gcs",
            _utc(2025, 1, 1),
            "Expires",
        ),
        (
            "https://files.example/x.pdf?expires=1735689600&signature=abc",
            "signed",
            _utc(2025, 1, 1),
            "expires",
        ),
    ],
)
def test_expiry(url: str, kind: str, when: datetime | None, param: str) -> None:
    info = expiry(url)
    assert info == Expiry(kind, when, param)
    assert expiry_date(info) == when


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/login?expires=1735689600",  # no signature: an app's own parameter
        "https://example.com/a?signature=abc",  # signed, but nothing says it expires
        "https://example.com/a?oe=67B6D77F",  # oe means nothing outside Facebook's CDN
        "https://example.com/a?ex=67b6d77f&hm=x",
        "https://example.com/a?e=1740035967&t=x",
        "https://example.com/a?se=2025-03-01",  # Azure's se without a signature
        "https://arxiv.org/pdf/1611.01599?download=1",
        "https://www.youtube.com/watch?v=kCc8FmEb1nY&t=42",
        "https://scontent.xx.fbcdn.net/v/a.jpg",
        "https://a.example/x#oe=67B6D77F",
    ],
)
def test_not_signed(url: str) -> None:
    assert expiry(url) is None


def test_out_of_range_dates_are_unknown() -> None:
    info = expiry("https://scontent.xx.fbcdn.net/v/a.jpg?oe=FFFFFFFFFFFF")
    assert info is not None and info.expires_at is None
    info = expiry("https://b.s3.amazonaws.com/k?X-Amz-Date=99991231T235959Z&X-Amz-Expires=999999")
    assert info is not None and info.expires_at is None


def test_seed_fbcdn_link_expired_on_2025_02_20() -> None:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    line = SEED.read_text(encoding="utf-8").splitlines()[65]  # line 66
    match = re.search(r"\((https://[^)\s]*fbcdn\.net[^)\s]*)\)", line)
    assert match, "line 66 of the seed no longer holds the fbcdn link"
    info = expiry(match.group(1))
    assert info is not None
    assert (info.kind, info.param) == ("fbcdn", "oe")
    assert info.expires_at is not None and info.expires_at.date().isoformat() == "2025-02-20"


# --- small helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example", True),
        ("HTTP://a.example/x", True),
        (" https://a.example ", True),
        ("https://", False),
        ("ftp://a.example", False),
        ("mailto:a@b.example", False),
        ("notes.md", False),
        ("//a.example/x", False),
        ("http://[::1", False),
    ],
)
def test_is_http(url: str, expected: bool) -> None:
    assert is_http(url) is expected


@pytest.mark.parametrize(
    ("url", "parts"),
    [
        ("notes.md#intro", ("notes.md", "intro")),
        ("notes.md", ("notes.md", None)),
        ("notes.md#", ("notes.md", "")),
        ("#top", ("", "top")),
        ("a.md#b#c", ("a.md", "b#c")),
    ],
)
def test_split_fragment(url: str, parts: tuple[str, str | None]) -> None:
    assert split_fragment(url) == parts
