"""Fixtures for plugin tests: an isolated config folder, a manager over fake entry points, an image."""

from __future__ import annotations

import numpy as np
import pytest
from plugin_fakes import FakeEntryPoint

from cned_viewer.core.volume import Volume
from cned_viewer.plugins import PluginManager, PluginSettings


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """Every test gets its own settings file (never the user's)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("CNED_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def make_manager():
    """``make_manager(*entry_points)`` -> a discovered manager over those fake entry points."""

    def make(*entry_points: FakeEntryPoint) -> PluginManager:
        manager = PluginManager(PluginSettings(), find=lambda: list(entry_points))
        manager.discover()
        return manager

    return make


@pytest.fixture
def image() -> Volume:
    return Volume.from_array(np.zeros((10, 12, 14), np.int16), (0.5, 0.5, 2.0), (10.0, -5.0, 3.0))
