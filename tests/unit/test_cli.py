"""The command line: info and measure on files, errors as one line with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
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
    assert "TLVR" in out and "one-voxel range" in out and "(no segment map)" in out
    assert sum(1 for line in out.splitlines() if line[:3].strip().isdigit()) == 11  # one line per lesion


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


def _segments_reference(labels_path, segments_path, min_ml: float = 0.1) -> list[tuple[int, tuple[int, ...]]]:
    """(voxel count, segments touched) of every counted lesion, from scipy components (26-connected)."""
    import SimpleITK as sitk
    from scipy import ndimage

    labels_image = sitk.ReadImage(str(labels_path))
    tumour = sitk.GetArrayFromImage(labels_image) == 2
    segments = sitk.GetArrayFromImage(sitk.ReadImage(str(segments_path)))
    components, n = ndimage.label(tumour, np.ones((3, 3, 3)))
    voxel_ml = float(np.prod(labels_image.GetSpacing())) / 1000.0
    found = []
    for k in range(1, n + 1):
        inside = components == k
        if inside.sum() * voxel_ml >= min_ml:
            found.append((int(inside.sum()), tuple(int(v) for v in np.unique(segments[inside]) if v)))
    return sorted(found)


def test_measure_with_segments_matches_scipy(capsys, demo_files, demo_segments):
    image, labels = demo_files
    code, out, _ = run_cli(capsys, "measure", str(image), "--labels", str(labels), "--segments", str(demo_segments), "--json")
    assert code == 0
    report = json.loads(out)
    voxel_ml = np.prod(report["image"]["spacing_mm"]) / 1000.0
    ours = sorted((round(lesion["volume_ml"] / voxel_ml), tuple(lesion["segments"])) for lesion in report["lesions"])
    assert ours == _segments_reference(labels, demo_segments)
    touched = {s for lesion in report["lesions"] for s in lesion["segments"]}
    assert touched == {2, 7} and report["bilobar"] is True and report["segments_involved"] == [2, 7]


def test_measure_without_segments_has_no_bilobar(capsys, demo_files):
    code, out, _ = run_cli(capsys, "measure", *map(str, (demo_files[0], "--labels", demo_files[1])), "--json")
    report = json.loads(out)
    assert report["bilobar"] is None and all(lesion["segments"] is None for lesion in report["lesions"])
    assert report["segments_involved"] is None


def test_segment_map_with_other_values_is_refused(capsys, demo_files, tmp_path):
    import SimpleITK as sitk

    reference = sitk.ReadImage(str(demo_files[0]))
    array = np.zeros(sitk.GetArrayViewFromImage(reference).shape, np.uint8)
    array[10:20, 10:20, 10:20] = 9  # IVb numbered 9
    image = sitk.GetImageFromArray(array)
    image.CopyInformation(reference)
    sitk.WriteImage(image, str(tmp_path / "segs.nii.gz"))
    code, _, err = run_cli(capsys, "measure", str(demo_files[0]), "--labels", str(demo_files[1]), "--segments", str(tmp_path / "segs.nii.gz"))
    assert code == 2
    assert "outside 1-8" in err and "9" in err and err.count("\n") == 1


def test_measure_csv_has_a_row_per_lesion(capsys, demo_files, demo_segments):
    import csv
    import io

    image, labels = demo_files
    args = ("measure", str(image), "--labels", str(labels), "--segments", str(demo_segments))
    report = json.loads(run_cli(capsys, *args, "--json")[1])
    code, out, _ = run_cli(capsys, *args, "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == report["lesion_count"] == 11
    for row, lesion in zip(rows, report["lesions"]):
        assert row["source"] == str(image)
        assert float(row["tlvr"]) == report["tlvr"] and row["bilobar"] == "true" and row["segments_involved"] == "2;7"
        assert int(row["lesion_id"]) == lesion["id"] and float(row["lesion_volume_ml"]) == lesion["volume_ml"]
        assert [float(row[f"centroid_{a}_mm"]) for a in "xyz"] == lesion["centroid_mm"]
        assert row["portal_vein_contact"] == ("true" if lesion["portal_vein_contact"] else "false")
        assert row["segments"] == ";".join(map(str, lesion["segments"]))
        assert float(row["volume_tumour_ml"]) == report["volumes_ml"]["tumour"]


def test_measure_csv_of_a_case_without_lesions(capsys, demo_files, tmp_path):
    import csv
    import io

    import SimpleITK as sitk

    labels = sitk.ReadImage(str(demo_files[1]))
    array = sitk.GetArrayFromImage(labels)
    array[array == 2] = 1  # every tumour relabelled as parenchyma
    cleared = sitk.GetImageFromArray(array)
    cleared.CopyInformation(labels)
    sitk.WriteImage(cleared, str(tmp_path / "no_tumour.nii.gz"))
    code, out, _ = run_cli(capsys, "measure", str(demo_files[0]), "--labels", str(tmp_path / "no_tumour.nii.gz"), "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1
    assert rows[0]["lesion_count"] == "0" and rows[0]["lesion_id"] == "" and rows[0]["bilobar"] == ""


def test_measure_options_change_what_is_counted(capsys, demo_files):
    image, labels = demo_files
    default = json.loads(run_cli(capsys, "measure", str(image), "--labels", str(labels), "--json")[1])
    assert default["options"]["connectivity"] == 26 and default["options"]["min_lesion_volume_ml"] == 0.1
    assert default["options"]["contact_threshold_mm"] == pytest.approx(np.hypot(*default["image"]["spacing_mm"][:2]))
    smallest = min(lesion["volume_ml"] for lesion in default["lesions"])
    raised = json.loads(run_cli(capsys, "measure", str(image), "--labels", str(labels), "--json", "--min-lesion-ml", f"{smallest * 1.01}")[1])
    assert raised["lesion_count"] == default["lesion_count"] - 1 and len(raised["tiny_lesions"]) == len(default["tiny_lesions"]) + 1
    wide = json.loads(run_cli(capsys, "measure", str(image), "--labels", str(labels), "--json", "--contact-mm", "10")[1])
    assert wide["options"]["contact_threshold_mm"] == 10.0
    assert [l["portal_vein_contact"] for l in wide["lesions"]] == [l["portal_vein_distance_mm"] <= 10.0 for l in wide["lesions"]]
    assert sum(l["portal_vein_contact"] for l in wide["lesions"]) > sum(l["portal_vein_contact"] for l in default["lesions"])


def test_measure_connectivity_splits_lesions_touching_at_a_corner(capsys, tmp_path):
    import SimpleITK as sitk

    labels = np.zeros((20, 20, 20), np.uint8)
    labels[2:18, 2:18, 2:18] = 1
    labels[4:9, 4:9, 4:9] = 2
    labels[9:14, 9:14, 9:14] = 2  # meets the first cube at one corner only
    for name, array in (("image.nii.gz", np.zeros_like(labels, np.int16)), ("labels.nii.gz", labels)):
        image = sitk.GetImageFromArray(array)
        image.SetSpacing((2.0, 2.0, 2.0))
        sitk.WriteImage(image, str(tmp_path / name))
    args = ("measure", str(tmp_path / "image.nii.gz"), "--labels", str(tmp_path / "labels.nii.gz"), "--json")
    counts = {c: json.loads(run_cli(capsys, *args, "--connectivity", str(c))[1])["lesion_count"] for c in (6, 18, 26)}
    assert counts == {6: 2, 18: 2, 26: 1}


def test_measure_refuses_a_negative_minimum(capsys, demo_files):
    code, _, err = run_cli(capsys, "measure", str(demo_files[0]), "--labels", str(demo_files[1]), "--min-lesion-ml", "-1")
    assert code == 2 and "minimum lesion volume" in err and err.count("\n") == 1


def test_measure_json_keeps_the_measurements_own_warnings(capsys, demo_files, tmp_path):
    """A map without liver parenchyma: TLVR null, and the reason reaches ``measure --json`` (it was dropped)."""
    import SimpleITK as sitk

    labels = sitk.ReadImage(str(demo_files[1]))
    array = sitk.GetArrayFromImage(labels)
    array[array == 1] = 0  # no parenchyma left: tumour and vessels only
    stripped = sitk.GetImageFromArray(array)
    stripped.CopyInformation(labels)
    sitk.WriteImage(stripped, str(tmp_path / "tumour_only.nii.gz"))
    code, out, _ = run_cli(capsys, "measure", str(demo_files[0]), "--labels", str(tmp_path / "tumour_only.nii.gz"), "--json")
    data = json.loads(out)
    assert code == 0 and data["tlvr"] is None
    assert any("no liver parenchyma" in warning for warning in data["warnings"])
