"""Fixtures for every test folder (tests/ and the plugins' own tests): the real-data folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent


def shared_data_dir() -> Path:
    """``$CNED_SHARED_DATA`` or ``../shared/data`` beside the repository."""
    return Path(os.environ.get("CNED_SHARED_DATA") or REPO_ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real cases; missing data skips, unless CNED_REQUIRE_DATA=1 (CI), where it fails."""
    folder = shared_data_dir()
    if not (folder / "ircadb01_p1" / "labels.nrrd").is_file():
        message = f"real test data not found at {folder} (set CNED_SHARED_DATA)"
        if os.environ.get("CNED_REQUIRE_DATA") == "1":
            pytest.fail(message + "; CNED_REQUIRE_DATA=1 requires it")
        pytest.skip(message)
    return folder
