"""Outputs shaped as each TotalSegmentator task writes them, and a fake ``TotalSegmentator`` command.

``WRITTEN`` is typed here from TotalSegmentator's ``class_map`` (map_to_binary.py), not
taken from the plugin, so that a wrong map in the plugin fails the tests. For ``total`` and
``total_mr`` a few classes the app does not use stand for the other 100+.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import numpy as np
import SimpleITK as sitk

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR

SEGMENTS = {1: "liver_segment_1", 2: "liver_segment_2", 3: "liver_segment_3", 4: "liver_segment_4",
            5: "liver_segment_5", 6: "liver_segment_6", 7: "liver_segment_7", 8: "liver_segment_8"}

#: task -> {value in the --ml file: class name = file stem in the mask folder}
WRITTEN: dict[str, dict[int, str]] = {
    "total": {1: "spleen", 5: "liver", 52: "aorta", 63: "inferior_vena_cava", 64: "portal_vein_and_splenic_vein"},
    "total_mr": {1: "spleen", 5: "liver", 23: "aorta", 24: "inferior_vena_cava", 25: "portal_vein_and_splenic_vein"},
    "liver_vessels": {1: "liver_vessels", 2: "liver_tumor"},
    "liver_segments": SEGMENTS,
    "liver_segments_mr": SEGMENTS,
    "liver_lesions": {1: "liver_lesions"},
    "liver_lesions_mr": {1: "liver_lesions"},
}

#: class name -> app label (liver_vessels: the default, portal vein); 0: not used by the app.
APP_LABEL = {"liver": LIVER_PARENCHYMA, "inferior_vena_cava": HEPATIC_VEINS, "portal_vein_and_splenic_vein": PORTAL_VEIN,
             "liver_vessels": PORTAL_VEIN, "liver_tumor": TUMOUR, "liver_lesions": TUMOUR}


def class_columns(task: str, shape_zyx: tuple[int, int, int]) -> np.ndarray:
    """A TotalSegmentator-like label array: the task's n-th class fills x column n (rows 1.. of every slice)."""
    array = np.zeros(shape_zyx, np.uint8)
    for column, value in enumerate(WRITTEN[task]):
        array[:, 1:, column] = value
    return array


def expected_maps(task: str, shape_zyx: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The app's labels and Couinaud map that ``class_columns(task)`` must import as."""
    labels, segments = np.zeros(shape_zyx, np.uint8), np.zeros(shape_zyx, np.uint8)
    for column, name in enumerate(WRITTEN[task].values()):
        labels[:, 1:, column] = APP_LABEL.get(name, 0)
        if name.startswith("liver_segment_"):
            segments[:, 1:, column] = int(name.rsplit("_", 1)[1])
    return labels, segments


def write_outputs(task: str, array: np.ndarray, like: sitk.Image, output: Path, multilabel: bool) -> None:
    """Write ``array`` as TotalSegmentator does: one ``--ml`` file at ``output`` or ``<class>.nii.gz`` per class."""
    def save(values: np.ndarray, path: Path) -> None:
        image = sitk.GetImageFromArray(values.astype(np.uint8))
        image.CopyInformation(like)
        sitk.WriteImage(image, str(path))

    if multilabel:
        output.parent.mkdir(parents=True, exist_ok=True)
        save(array, output)
        return
    output.mkdir(parents=True, exist_ok=True)
    for value, name in WRITTEN[task].items():
        save(array == value, output / f"{name}.nii.gz")


FAKE = '''#!{python}
"""Fake TotalSegmentator: records its arguments, environment and config; prints its stages; writes a task's output."""
import json, os, subprocess, sys, time, pathlib
import SimpleITK as sitk
sys.path.insert(0, {tests!r})
from totalseg_fakes import WRITTEN, class_columns, write_outputs

args, mode = sys.argv[1:], os.environ.get("FAKE_TS_MODE", "ok")
record = pathlib.Path(os.environ["FAKE_TS_RECORD"])
home = pathlib.Path(os.environ.get("TOTALSEG_HOME_DIR") or pathlib.Path.home() / ".totalsegmentator")
config = json.loads((home / "config.json").read_text()) if (home / "config.json").is_file() else None
task = args[args.index("--task") + 1]
tasks = [t for t in WRITTEN if not (mode == "old" and t.startswith("liver_lesions"))]
state = dict(args=args, home=os.environ.get("TOTALSEG_HOME_DIR"), config=config, pid=os.getpid(), children=[])
if task not in tasks:
    print("usage: TotalSegmentator [-h] [-i filepath] [-o directory] ...", file=sys.stderr)
    print("TotalSegmentator: error: argument -ta/--task: invalid choice: %r (choose from %s)"
          % (task, ", ".join(map(repr, tasks))), file=sys.stderr)
    sys.exit(2)
print("If you use this tool please cite: https://pubs.rsna.org/doi/10.1148/ryai.230024", flush=True)
print("Resampling...", flush=True)
print("Predicting...", flush=True)
for percent in (0, 50, 100):
    sys.stderr.write("\\r%3d%%|#####     | %d/100 [00:01<00:01]" % (percent, percent))
    sys.stderr.flush()
sys.stderr.write("\\n")  # tqdm ends its bar with a newline when it closes
if mode == "slow":
    state["children"].append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]).pid)
    record.write_text(json.dumps(state))
    time.sleep(120)
if mode == "fail":
    print("\\nRuntimeError: CUDA out of memory", file=sys.stderr)
    sys.exit(1)
image = sitk.ReadImage(args[args.index("-i") + 1])
print("Saving segmentations...", flush=True)
write_outputs(task, class_columns(task, image.GetSize()[::-1]), image, pathlib.Path(args[args.index("-o") + 1]), "--ml" in args)
print("  Saved in 0.01s", flush=True)
record.write_text(json.dumps(state))
'''


def install_fake(folder: Path, monkeypatch, mode: str = "ok") -> Path:
    """Put the fake command first on PATH; returns the file it records its run in."""
    bin_dir = folder / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "TotalSegmentator"
    script.write_text(FAKE.format(python=sys.executable, tests=str(Path(__file__).parent)))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    record = folder / "record.json"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_TS_RECORD", str(record))
    monkeypatch.setenv("FAKE_TS_MODE", mode)
    return record


def recorded(record: Path) -> dict:
    return json.loads(record.read_text())
