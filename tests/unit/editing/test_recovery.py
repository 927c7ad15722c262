"""Crash recovery: throttled atomic saves, a SIGKILLed editor's edits recovered, interrupted saves harmless."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LIVER_PARENCHYMA, LabelMap
from cned_viewer.editing import EditSession
from cned_viewer.io import recovery
from cned_viewer.io.recovery import Autosaver, RecoverySource, discard, find_recoverable, recover

REPO = Path(__file__).resolve().parents[3]

#: Shared by the editing child process and the test's replay: the k-th deterministic stroke.
EDITS = textwrap.dedent(
    """
    import numpy as np
    from cned_viewer.core.geometry import Geometry
    from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
    from cned_viewer.editing import Brush, PaintRules

    def start_labels():
        array = np.zeros((16, 64, 64), np.uint8)
        array[2:14, 8:56, 8:56] = LIVER_PARENCHYMA
        return LabelMap(array, Geometry.for_array(array.shape, (0.8, 0.8, 2.0)), source="labels.nii.gz")

    def edit(session, k):
        rng = np.random.default_rng(k)
        value = TUMOUR if k % 3 else 0
        z = float(rng.integers(0, 16))
        session.begin_stroke((z, *rng.uniform(0, 63, 2)), Brush(float(rng.uniform(1, 4))), PaintRules.paint(value))
        session.continue_stroke((z, *rng.uniform(0, 63, 2)))
        session.end_stroke()
    """
)

CHILD = EDITS + textwrap.dedent(
    """
    import sys, time
    from cned_viewer.editing import EditSession
    from cned_viewer.io.recovery import Autosaver, RecoverySource

    labels = start_labels()
    session = EditSession(labels)
    saver = Autosaver(session, RecoverySource.of(labels, "ct.nii.gz"), interval_s=float(sys.argv[1]))
    k = 0
    while True:
        edit(session, k)
        print("edit", k, time.monotonic(), flush=True)
        if saver.tick():
            print("saved", k, flush=True)
        k += 1
        time.sleep(0.01)
    """
)


def edit_counts_giving(array: np.ndarray, most: int) -> list[int]:
    """Every n <= most such that replaying the first n edits gives ``array``."""
    namespace: dict = {}
    exec(EDITS, namespace)
    labels = namespace["start_labels"]()
    session = EditSession(labels)
    matches = [0] if np.array_equal(labels.array, array) else []
    for k in range(most):
        namespace["edit"](session, k)
        if np.array_equal(labels.array, array):
            matches.append(k + 1)
    return matches


@pytest.fixture
def recovery_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "recovery"
    monkeypatch.setenv(recovery.RECOVERY_ENV, str(folder))
    return folder


def test_recovery_root_follows_the_environment(recovery_dir):
    assert recovery.recovery_root() == recovery_dir


def test_a_killed_editor_loses_no_edit_older_than_the_interval(recovery_dir):
    interval = 0.4
    env = os.environ | {recovery.RECOVERY_ENV: str(recovery_dir), "PYTHONPATH": str(REPO)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(interval)], stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    done_at: dict[int, float] = {}
    saved: list[int] = []
    try:
        for line in child.stdout:
            kind, k, *rest = line.split()
            if kind == "edit":
                done_at[int(k)] = float(rest[0])
            else:
                saved.append(int(k))
            if len(saved) >= 3 and time.monotonic() - done_at[saved[2]] > 1.5 * interval:
                break
        killed_at = time.monotonic()
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    (info,) = find_recoverable()
    restored = recover(info)
    counts = edit_counts_giving(restored.labels.array, max(done_at) + 1)
    assert counts and max(counts) >= saved[-1] + 1  # everything the child saw saved, exactly
    older = [k for k, t in done_at.items() if t < killed_at - interval - 1.0]  # 1 s for a loaded machine
    assert older and max(older) < max(counts)
    assert len(restored.log) == sum(1 for e in restored.log.entries if e.operation in ("paint", "erase"))
    assert [e.operation for e in restored.log.entries[:3]] == ["erase", "paint", "paint"]
    assert restored.info.source.image == "ct.nii.gz" and restored.info.source.labels == "labels.nii.gz"
    discard(info)
    assert find_recoverable() == []


def small_session() -> EditSession:
    array = np.zeros((4, 20, 20), np.uint8)
    return EditSession(LabelMap(array, Geometry.for_array(array.shape, (0.7, 0.7, 2.5), (-5.0, 3.0, 1.25)), source="l.nrrd"))


def paint(session: EditSession, x: float) -> None:
    from cned_viewer.editing import Brush, PaintRules

    session.begin_stroke((1, 10, x), Brush(2.0), PaintRules.paint(LIVER_PARENCHYMA))
    session.end_stroke()


def test_saves_are_throttled_and_only_when_something_changed(recovery_dir):
    now = [100.0]
    session = small_session()
    saver = Autosaver(session, RecoverySource.of(session.labels, "img"), interval_s=10, clock=lambda: now[0])
    assert not saver.due(200.0)  # nothing changed
    paint(session, 5)
    assert saver.due(110.0) and not saver.due(109.9)
    now[0] = 110.0
    assert saver.tick()
    paint(session, 8)
    assert not saver.due(119.0) and saver.due(120.0)
    assert not saver.tick(115.0)


def test_recover_restores_labels_geometry_and_log_and_skips_running_sessions(recovery_dir):
    session = small_session()
    original = session.labels.checksum()
    saver = Autosaver(session, RecoverySource.of(session.labels, "img"), interval_s=0)
    paint(session, 5)
    saver.save_now()
    assert find_recoverable() == []  # this process is alive: its save is no crash
    (info,) = find_recoverable(include_running=True)
    restored = recover(info)
    assert np.array_equal(restored.labels.array, session.labels.array)
    assert restored.labels.geometry == session.labels.geometry
    assert restored.log.to_json() == session.log.to_json()
    assert info.source.original_checksum == original and "1 edit" in info.describe()
    saver.discard()
    assert find_recoverable(include_running=True) == []


def test_an_interrupted_save_leaves_the_previous_save_intact(recovery_dir, monkeypatch):
    session = small_session()
    saver = Autosaver(session, RecoverySource.of(session.labels, "img"), interval_s=0)
    paint(session, 5)
    saver.save_now()
    first = session.labels.array.copy()
    manifest_before = (saver.folder / recovery.MANIFEST).read_bytes()
    paint(session, 12)

    def dies_midway(path, labels):
        Path(path).write_bytes(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt  # the process is stopped while writing

    monkeypatch.setattr(recovery, "_write_npz", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        saver.save_now()
    assert (saver.folder / recovery.MANIFEST).read_bytes() == manifest_before
    assert sorted(p.name for p in saver.folder.iterdir()) == ["labels-1.npz", "log-1.json", "manifest.json"]
    (info,) = find_recoverable(include_running=True)
    assert np.array_equal(recover(info).labels.array, first)
    assert saver.pending  # the failed save is retried
    monkeypatch.undo()
    monkeypatch.setenv(recovery.RECOVERY_ENV, str(recovery_dir))
    saver.save_now()
    assert np.array_equal(recover(find_recoverable(include_running=True)[0]).labels.array, session.labels.array)


def test_a_damaged_save_is_reported_not_loaded(recovery_dir):
    session = small_session()
    saver = Autosaver(session, RecoverySource.of(session.labels, "img"), interval_s=0)
    paint(session, 5)
    saver.save_now()
    manifest = json.loads((saver.folder / recovery.MANIFEST).read_text())
    (saver.folder / manifest["labels_file"]).write_bytes(b"garbage")
    (info,) = find_recoverable(include_running=True)
    from cned_viewer.errors import UserError

    with pytest.raises(UserError, match="damaged"):
        recover(info)


def test_a_recovered_save_names_the_case_keeps_clinical_inputs_and_is_continued(recovery_dir, tmp_path):
    """The offer names patient and series in local time; Recover gives labels, clinical inputs and log back;
    the reopened session writes into the same save, so it is offered once, not at every later start."""
    from cned_viewer.core.case import Case, case_title
    from cned_viewer.core.clinical import ClinicalData
    from cned_viewer.core.volume import Volume
    from cned_viewer.io.recovered_case import recovered_case

    session = small_session()
    image = tmp_path / "ct.nii.gz"
    from cned_viewer.io.sitk_bridge import write_image

    write_image(np.zeros(session.labels.array.shape, np.int16), session.labels.geometry, image)
    title = case_title({"PatientName": "Doe^Jane", "PatientID": "42", "SeriesDescription": "portal venous"})
    clinical = ClinicalData(differentiation="poor", cea_ng_ml=7.5)
    saver = Autosaver(session, RecoverySource.of(session.labels, image, title=title), interval_s=0,
                      clinical=lambda: clinical.to_dict())
    paint(session, 5)
    saver.save_now()
    (info,) = find_recoverable(include_running=True)
    described = info.describe()
    assert "Doe, Jane (ID 42), series portal venous (ct.nii.gz)" in described and "(local time)" in described
    assert recovery.local_time(info.updated) in described
    case = recovered_case(info)
    assert isinstance(case, Case) and isinstance(case.image, Volume)
    assert np.array_equal(case.labels.array, session.labels.array)
    assert case.clinical == clinical and [e.to_json() for e in case.provenance] == session.log.to_json()["entries"]
    assert case.metadata["recovery_folder"] == str(info.folder) and info.folder.is_dir()
    again = Autosaver(EditSession(case.labels, case.image), info.source, interval_s=0, folder=case.metadata["recovery_folder"])
    again.mark_pending()
    again.save_now()
    assert [i.folder for i in find_recoverable(include_running=True)] == [info.folder]
    again.discard()
    assert find_recoverable(include_running=True) == []
