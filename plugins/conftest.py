"""Fixtures for the first-party plugins' own tests (collected with the main test run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real cases (as tests/conftest.py): missing data skips, or fails with CNED_REQUIRE_DATA=1."""
    folder = Path(os.environ.get("CNED_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
    if not (folder / "ircadb01_p1").is_dir():
        message = f"real test data not found at {folder} (set CNED_SHARED_DATA)"
        if os.environ.get("CNED_REQUIRE_DATA") == "1":
            pytest.fail(message + "; CNED_REQUIRE_DATA=1 requires it")
        pytest.skip(message)
    return folder


@pytest.fixture(autouse=True)
def isolated_config(tmp_path, monkeypatch):
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
