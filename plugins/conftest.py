"""Fixtures for the first-party plugins' own tests (the real-data folder is in the root conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_config(tmp_path, monkeypatch):
    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))
