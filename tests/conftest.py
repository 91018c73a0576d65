"""Shared fixtures; the paths themselves live in ``shared_paths.py``."""

from __future__ import annotations

import pytest
from shared_paths import SEED


@pytest.fixture
def seed_bytes() -> bytes:
    if not SEED.is_file():
        pytest.skip("../shared/seed/STUDY_LOG.md is not here (a user's clone has none)")
    return SEED.read_bytes()
