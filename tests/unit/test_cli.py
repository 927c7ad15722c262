"""The command line: info and measure on files, errors as one line with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cned_viewer.cli import main


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_info_on_an_image_file(capsys, demo_files):
    code, out, _ = run_cli(capsys, "info", str(demo_files[0]), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["kind"] == "image"
    assert report["image"]["size_xyz"] == [400, 320, 120]
    assert report["image"]["spacing_mm"] == pytest.approx([0.8, 0.8, 2.0])


def test_info_on_a_dicom_folder(capsys, dicom_series):
    folder = dicom_series([0.0, 2.5, 5.0])
    code, out, _ = run_cli(capsys, "info", str(folder))
    assert code == 0
    assert "1 series" in out and "3 slices" in out and "2.5 mm" in out


def test_measure_json_keys(capsys, demo_files):
    image, labels = demo_files
    code, out, _ = run_cli(capsys, "measure", str(image), "--labels", str(labels), "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report["image"]) == {"size_xyz", "spacing_mm", "origin_mm", "direction"}
    assert set(report["volumes_ml"]) == {"liver_parenchyma", "tumour", "portal_vein", "hepatic_veins"}
    assert report["warnings"] == []
    assert report["lesion_count"] == 11
    assert 0.22 < report["tlvr"] < 0.25


def test_measure_text(capsys, demo_files):
    image, labels = demo_files
    code, out, _ = run_cli(capsys, "measure", str(image), "--labels", str(labels))
    assert code == 0
    assert "tumour" in out and "mL" in out


def test_bad_input_is_one_line_with_exit_code_2(capsys, tmp_path):
    code, out, err = run_cli(capsys, "measure", str(tmp_path), "--labels", str(tmp_path / "none.nrrd"))
    assert code == 2
    assert err.count("\n") == 1 and "empty" in err and "Traceback" not in err


def test_demo_save_writes_the_case(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "demo", "--save", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo_ct.nii.gz", "demo_labels.nii.gz"]


def test_console_script_runs_without_a_display(tmp_path):
    """The installed entry point, as a user runs it, with no DISPLAY."""
    result = subprocess.run(
        [sys.executable, "-m", "cned_viewer", "info", str(tmp_path)],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("cned-viewer: error:") and "Traceback" not in result.stderr


def test_measure_without_labels_says_so(capsys, demo_files):
    code, _, err = run_cli(capsys, "measure", str(demo_files[0]))
    assert code == 2 and "no labels" in err


def test_demo_keyword_measures_the_demo(capsys):
    code, out, _ = run_cli(capsys, "measure", "demo", "--json")
    assert code == 0 and json.loads(out)["lesion_count"] == 11


def test_warm_up_compiles_into_the_kernel_cache():
    """The installer's step: it reports the cache it filled (the one this process uses, so it is quick here)."""
    from cned_viewer.kernels import NUMBA_CACHE_DIR

    env = dict(os.environ, NUMBA_CACHE_DIR=NUMBA_CACHE_DIR)
    done = subprocess.run([sys.executable, "-m", "cned_viewer", "warm-up"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "measurement kernels ready in" in done.stdout and NUMBA_CACHE_DIR in done.stdout
    assert any(Path(NUMBA_CACHE_DIR).rglob("*histogram*.nbi")), "no index of the histogram kernels in the cache"
