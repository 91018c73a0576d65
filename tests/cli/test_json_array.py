"""``list --format json`` streams its rows (issue 19): the bytes are those of one json.dumps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studylog_md.cli._output import JsonArray, print_json

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text())
_ITEMS = st.dictionaries(
    st.text(max_size=5), st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3)), max_size=4
)


def _streamed(items: list[object]) -> None:
    stream = JsonArray()
    for item in items:
        stream.add(item)
    stream.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(_ITEMS, max_size=5))
def test_streamed_items_print_what_the_whole_list_prints(items: list[object]) -> None:
    import contextlib
    import io

    whole, streamed = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(whole):
        print_json(items)
    with contextlib.redirect_stdout(streamed):
        _streamed(items)
    assert streamed.getvalue() == whole.getvalue()


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"title": "a\nb \u2028 \ud800 ✅", "section": [], "links": ["https://x.example/"]}],
        [{"n": i, "s": "x" * 5000} for i in range(40)],  # several batches
    ],
)
def test_edge_cases(items: list[object], capsys: pytest.CaptureFixture[str]) -> None:
    print_json(items)
    whole = capsys.readouterr().out
    _streamed(items)
    assert capsys.readouterr().out == whole
