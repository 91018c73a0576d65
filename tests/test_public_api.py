"""The public names: importable from the package, listed in ``__all__``, one version."""

from __future__ import annotations

import importlib.metadata

import pytest

import studylog_md


@pytest.mark.parametrize("name", studylog_md.__all__)
def test_every_public_name_resolves(name: str) -> None:
    assert getattr(studylog_md, name) is not None


def test_errors_and_change_are_public() -> None:
    from studylog_md.edit import Change
    from studylog_md.errors import AmbiguousQuery, ConfigError, NotFound, QueryError, UserError

    assert studylog_md.Change is Change
    assert studylog_md.ConfigError is ConfigError
    assert issubclass(AmbiguousQuery, studylog_md.QueryError)
    assert issubclass(NotFound, QueryError)
    assert issubclass(ConfigError, UserError)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        studylog_md.nope  # noqa: B018


def test_one_version_source() -> None:
    """pyproject.toml reads the version from the package (hatch), so the two cannot disagree."""
    assert importlib.metadata.version("studylog-md") == studylog_md.__version__


def test_a_change_is_returned_by_toggle() -> None:
    doc = studylog_md.loads("|Resource|Progress|\n|---|---|\n|[A](https://a.example)|⬜|\n")
    change = doc.toggle("A")
    assert isinstance(change, studylog_md.Change)
    assert change.kind == "status"
    assert (change.old, change.new) == ("⬜", "✅")
