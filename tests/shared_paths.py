"""Where ``../shared`` is (the seed, the corpus, the spec examples), for every test module.

A uniquely named module rather than ``conftest``: with ``--import-mode=importlib`` several
``conftest.py`` files exist and ``from conftest import ...`` would pick one at random.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "STUDY_LOG.md"
CORPUS = SHARED / "corpus"
SPEC = SHARED / "spec"
EXAMPLE = ROOT / "examples" / "STUDY_LOG.md"
FIXTURES = ROOT / "tests" / "fixtures"


def corpus_files() -> list[Path]:
    """The corpus's Markdown files (empty when ``../shared`` is absent)."""
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.glob("*.md"))


def need_shared() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared is not here (a user's clone has none)")
