"""``cned-viewer screenshot`` without X: the axial slice (numpy) and the 3D model (pyvista offscreen)."""

from __future__ import annotations

import os

import pytest

from cned_viewer.cli import main


@pytest.mark.parametrize("view", ["axial", "3d"])
def test_screenshot_of_the_demo_without_a_window(tmp_path, monkeypatch, view: str) -> None:
    if view == "3d" and not os.environ.get("DISPLAY"):
        monkeypatch.setenv("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    out = tmp_path / f"demo-{view}.png"
    assert main(["screenshot", "demo", "-o", str(out), "--view", view, "--size", "320x240"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import vtkmodules.vtkIOImage as io

    reader = io.vtkPNGReader()
    reader.SetFileName(str(out))
    reader.Update()
    width, height, _ = reader.GetOutput().GetDimensions()
    assert (width, height) == (320, 240) if view == "3d" else width > 100


def test_screenshot_reports_bad_input(tmp_path, capsys) -> None:
    assert main(["screenshot", str(tmp_path / "missing.nii.gz"), "-o", str(tmp_path / "x.png"), "--view", "axial"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["screenshot", "demo", "-o", str(tmp_path / "x.png"), "--size", "huge"]) == 2
