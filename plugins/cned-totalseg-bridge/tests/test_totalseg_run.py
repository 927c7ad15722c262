"""Running TotalSegmentator: a fake command on PATH checks the command line, stats off, progress, cancel; the real one when installed."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from totalseg_fakes import expected_maps, install_fake, recorded

from cned_totalseg_bridge import TASKS, command_path, make_plugin
from cned_totalseg_bridge.offline import home_dir
from cned_totalseg_bridge.progress import ProgressParser
from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.plugins import Cancelled, SegmentationRequest

SHAPE = (4, 5, 10)


@pytest.fixture
def image() -> Volume:
    array = np.zeros(SHAPE, np.int16)
    array[1:3, 1:4, 2:8] = 100
    return Volume.from_array(array, (0.8, 0.8, 2.5))


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """TotalSegmentator's home with the weights of every task and a config that would send statistics."""
    folder = tmp_path / "totalseg_home"
    for task in TASKS.values():
        for dataset in {*task.datasets, *task.fast_datasets}:
            (folder / "nnunet" / "results" / f"Dataset{dataset:03d}_weights").mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"totalseg_id": "totalseg_ABC", "send_usage_stats": True,
                                                    "prediction_counter": 7, "license_number": "aca_123456789012345"}))
    monkeypatch.setenv("TOTALSEG_HOME_DIR", str(folder))
    monkeypatch.delenv("TOTALSEG_WEIGHTS_PATH", raising=False)
    return folder


def segmenter(task: str = "total"):
    return make_plugin().segmenter(TASKS[task].segmenter_id)


def run(task: str, image: Volume, options: dict | None = None, cancel=lambda: False):
    reports: list[tuple[float, str]] = []
    result = segmenter(task).run(SegmentationRequest(image, options=options or {}), lambda f, m: reports.append((f, m)), cancel)
    return result, reports


@pytest.mark.parametrize("output", ["masks", "ml"])
@pytest.mark.parametrize("task", list(TASKS))
def test_each_task_runs_with_statistics_off_and_its_output_is_imported(task, output, tmp_path, monkeypatch, home, image):
    record = install_fake(tmp_path, monkeypatch)
    result, reports = run(task, image, {"output": output})
    seen = recorded(record)
    args = seen["args"]
    assert args[args.index("--task") + 1] == task and args[:2] == ["-i", args[1]] and args[2] == "-o"
    assert ("--ml" in args) == (output == "ml")
    assert not {"--statistics", "-s", "--preview", "-l", "--license_number", "--fast", "--device"} & set(args)
    assert seen["home"] == str(home)
    assert seen["config"]["send_usage_stats"] is False  # what the command read when it ran
    kept = json.loads((home / "config.json").read_text())
    assert kept["send_usage_stats"] is False and kept["license_number"] == "aca_123456789012345" and kept["totalseg_id"] == "totalseg_ABC"
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] >= 0.95
    assert any("predicting (100 %)" in m for _, m in reports) and any("saving" in m for _, m in reports)
    labels, segments = expected_maps(task, SHAPE)
    if labels.any():
        assert np.array_equal(result.labels.array, labels)
        assert result.labels.geometry.matches(image.geometry)
    else:
        assert result.labels is None
    if segments.any():
        assert np.array_equal(result.segments.array, segments) and set(result.segments.present_values()) == set(range(1, 9))
    else:
        assert result.segments is None
    assert result.parameters["task"] == task
    assert result.protect == (() if task.startswith("total") else (2, 3, 4))


def test_device_fast_and_vessel_options(tmp_path, monkeypatch, home, image):
    record = install_fake(tmp_path, monkeypatch)
    run("total", image, {"device": "cpu", "fast": "1"})
    args = recorded(record)["args"]
    assert args[args.index("--device") + 1] == "cpu" and "--fast" in args
    run("liver_vessels", image, {"device": "gpu:1", "vessels": "hepatic_veins"})
    args = recorded(record)["args"]
    assert args[args.index("--device") + 1] == "gpu:1"
    for bad in ({"fast": "1"}, {"device": "tpu"}, {"vessels": "arteries"}, {"colour": "red"}, {"output": "dicom_seg"}):
        with pytest.raises(UserError):
            run("liver_segments", image, bad)


def test_hepatic_vessels_option_and_review_notice(tmp_path, monkeypatch, home, image):
    install_fake(tmp_path, monkeypatch)
    result, _ = run("liver_vessels", image, {"vessels": "hepatic_veins"})
    assert set(result.labels.present_values()) == {2, 4}
    assert any("review" in notice for notice in result.notices)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in {"Z", "X"}


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
def test_cancel_ends_the_command_and_its_children(tmp_path, monkeypatch, home, image):
    record = install_fake(tmp_path, monkeypatch, "slow")
    reports: list[str] = []

    def cancel() -> bool:
        return record.is_file() and any("predicting" in m for m in reports)

    started = time.monotonic()
    with pytest.raises(Cancelled):
        segmenter("liver_segments").run(SegmentationRequest(image), lambda f, m: reports.append(m), cancel)
    assert time.monotonic() - started < 30
    seen = recorded(record)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in (seen["pid"], *seen["children"])) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert seen["children"] and not any(alive(pid) for pid in (seen["pid"], *seen["children"]))


def test_missing_weights_refuse_to_run_unless_download_allowed(tmp_path, monkeypatch, image):
    record = install_fake(tmp_path, monkeypatch)
    monkeypatch.setenv("TOTALSEG_HOME_DIR", str(tmp_path / "empty_home"))
    with pytest.raises(UserError, match=r"Dataset570_\*.*Dataset298_\*"):
        run("liver_segments", image)
    assert not record.exists()
    assert json.loads((tmp_path / "empty_home" / "config.json").read_text())["send_usage_stats"] is False
    run("liver_segments", image, {"allow_download": "1"})
    assert recorded(record)["config"]["send_usage_stats"] is False


def test_home_dir_option_and_default(tmp_path, monkeypatch, image):
    record = install_fake(tmp_path, monkeypatch)
    monkeypatch.delenv("TOTALSEG_HOME_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert home_dir() == tmp_path / "user" / ".totalsegmentator"
    chosen = tmp_path / "chosen"
    run("liver_lesions", image, {"home_dir": str(chosen), "allow_download": "yes"})
    assert recorded(record)["home"] == str(chosen) and recorded(record)["config"]["send_usage_stats"] is False
    assert not (tmp_path / "user" / ".totalsegmentator").exists()


def test_unwritable_config_refuses_to_run(tmp_path, monkeypatch, image):
    record = install_fake(tmp_path, monkeypatch)
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("")
    monkeypatch.setenv("TOTALSEG_HOME_DIR", str(blocked))
    with pytest.raises(UserError, match="usage statistics off"):
        run("total", image, {"allow_download": "1"})
    assert not record.exists()


def test_a_version_without_the_lesion_task_is_explained(tmp_path, monkeypatch, home, image):
    install_fake(tmp_path, monkeypatch, "old")
    with pytest.raises(UserError, match=r"no task liver_lesions_mr \(it came with release 2\.13\.0\)"):
        run("liver_lesions_mr", image)


def test_a_failing_command_reports_its_last_line(tmp_path, monkeypatch, home, image):
    install_fake(tmp_path, monkeypatch, "fail")
    with pytest.raises(UserError, match="CUDA out of memory"):
        run("total", image)


def test_missing_command_is_explained(monkeypatch, home, image):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(UserError, match="not installed"):
        run("total", image)


def test_progress_follows_the_stages_and_never_goes_back():
    parser = ProgressParser("total")
    lines = ["Generating rough segmentation for cropping...", "Resampling...", "Predicting part 1 of 5 ...", " 40%|####",
             "Predicting part 2 of 5 ...", "Resampling...", "Saving segmentations...", "  Saved in 3.1s"]
    updates = [parser.feed(line) for line in lines]
    fractions = [u[0] for u in updates if u]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(0.9)
    assert updates[3] == (pytest.approx(0.25 + 0.55 * 0.4 / 5), "TotalSegmentator total: predicting part 1 of 5 (40 %)")
    assert parser.feed("") is None and parser.feed("unrelated") is None


@pytest.mark.skipif(command_path() is None, reason="TotalSegmentator is not installed")
def test_real_totalsegmentator_on_the_small_example(shared_data):  # pragma: no cover - needs weights
    from cned_viewer.io.images import load_image

    volume = load_image(shared_data / "totalseg_example" / "example_ct_sm.nii.gz").volume
    result = segmenter("total").run(SegmentationRequest(volume, options={"fast": "1"}), lambda f, m: None, lambda: False)
    assert result.labels is not None and 1 in result.labels.present_values()
