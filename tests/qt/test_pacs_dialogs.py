"""The PACS dialogs against a real Orthanc on loopback: settings with Test connection, Open from PACS
(search, series, retrieve with progress, Cancel, the series opened in the window), Send to PACS (the
case exported now as SEG + SR, found in Orthanc in the CT's study); a PACS that is down says so in the
dialog, which keeps what the user typed."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pydicom
import pytest

from cned_viewer.io.pacs import store_files
from cned_viewer.io.pacs_settings import PacsSettings, load_pacs_settings, save_pacs_settings
from cned_viewer.ui.pacs_dialogs import open_from_pacs, pacs_settings, send_to_pacs

pytestmark = pytest.mark.data

sys.path.insert(0, str(Path(__file__).parents[1] / "unit" / "pacs"))  # the Orthanc launcher the unit tests use
import orthanc_server  # noqa: E402


@pytest.fixture(scope="module")
def orthanc(tmp_path_factory, shared_data):
    """Orthanc with the IRCAD CT series stored through the app: ``(server, settings, ct folder)``."""
    server = orthanc_server.start_orthanc(tmp_path_factory.mktemp("orthanc"))
    settings = PacsSettings(orthanc_server.APP_AE, server.ae_title, "127.0.0.1", server.dicom_port, 20.0)
    ct = shared_data / "ircadb01_p1" / "ct_dicom"
    assert store_files(settings, [ct]).done == 129
    yield server, settings, ct
    server.stop()


@pytest.fixture
def saved(orthanc, tmp_path) -> PacsSettings:
    """The test Orthanc saved as the PACS settings (the qt conftest isolates the config folder), retrieving into tmp_path."""
    settings = replace(orthanc[1], retrieve_folder=str(tmp_path / "retrieved"))
    save_pacs_settings(settings)
    return settings


def test_settings_dialog_tests_and_saves(qtbot, window, orthanc) -> None:
    server, settings, _ = orthanc
    dialog = pacs_settings(window)
    assert dialog.isVisible() and dialog.settings() == PacsSettings()  # nothing saved yet: the defaults
    dialog.calling_edit.setText(settings.calling_ae)
    dialog.called_edit.setText("WRONGPACS")
    dialog.port_box.setValue(server.dicom_port)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "refused" in dialog.status.text(), timeout=20_000)
    assert "check the called AE title" in dialog.status.text()
    dialog.called_edit.setText(server.ae_title)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().endswith("answers."), timeout=20_000)
    dialog.calling_edit.setText("BAD\\AE")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert dialog.isVisible() and "printable ASCII" in dialog.status.text()
    dialog.calling_edit.setText(settings.calling_ae)
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert not dialog.isVisible()
    assert load_pacs_settings() == replace(PacsSettings(), calling_ae=settings.calling_ae, called_ae=server.ae_title, port=server.dicom_port)


def test_open_from_pacs_retrieves_and_opens_the_series(qtbot, window, wait_ready, orthanc, saved) -> None:
    _, _, ct = orthanc
    first = pydicom.dcmread(ct / "image_0", stop_before_pixels=True)
    dialog = open_from_pacs(window, window.session)
    dialog.name_edit.setText("liver_01")
    dialog.date_edit.setText("20090527")
    dialog.search_button.click()
    qtbot.waitUntil(lambda: dialog.study_table.rowCount() == 1, timeout=20_000)
    assert dialog.study_table.item(0, 1).text() == "liver_01^patient"
    dialog.study_table.selectRow(0)
    qtbot.waitUntil(lambda: dialog.series_table.rowCount() >= 1 and dialog.retrieve_button.isEnabled(), timeout=20_000)
    row = next(i for i, s in enumerate(dialog.series) if s.series_uid == first.SeriesInstanceUID)
    dialog.series_table.selectRow(row)
    progress: list[tuple[int, int]] = []
    dialog.progress.changed.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(dialog.retrieved_folder, timeout=60_000) as retrieved:
        dialog.retrieve_button.click()
        assert dialog.cancel_button.isVisible() and not dialog.search_button.isEnabled()
    target = saved.destination() / str(first.SeriesInstanceUID)
    assert retrieved.args == [str(target)]
    assert len(list(target.iterdir())) == 129 and progress[-1] == (129, 129)
    qtbot.waitUntil(lambda: window.session.case is not None, timeout=60_000)
    wait_ready(window)
    assert window.session.case.metadata["SeriesInstanceUID"] == first.SeriesInstanceUID
    assert Path(window.session.files.dicom_source()).resolve() == target.resolve()


def test_cancel_keeps_nothing_and_a_down_pacs_is_named(qtbot, window, orthanc, saved) -> None:
    _, _, ct = orthanc
    dialog = open_from_pacs(window, window.session)
    dialog.search_button.click()
    qtbot.waitUntil(lambda: dialog.study_table.rowCount() == 1, timeout=20_000)
    dialog.study_table.selectRow(0)
    qtbot.waitUntil(dialog.retrieve_button.isEnabled, timeout=20_000)
    dialog.retrieve_button.click()
    dialog.cancel_button.click()
    assert dialog.isVisible() and dialog.status.text().startswith("Cancelled") and dialog.search_button.isEnabled()
    retrieved = saved.destination()
    qtbot.waitUntil(lambda: not retrieved.exists() or not any(retrieved.iterdir()), timeout=30_000)  # the partial folder is removed
    dialog.settings = replace(saved, port=orthanc_server.free_port())
    dialog.name_edit.setText("kept^name")
    dialog.search_button.click()
    qtbot.waitUntil(lambda: "connection refused" in dialog.status.text(), timeout=20_000)
    assert dialog.isVisible() and dialog.name_edit.text() == "kept^name" and dialog.study_table.rowCount() == 1


def test_send_to_pacs_exports_the_case_and_stores_it(qtbot, window, wait_ready, orthanc, saved, shared_data, tmp_path) -> None:
    server, _, ct = orthanc
    window.session.open_path(str(ct), str(shared_data / "ircadb01_p1" / "labels.nrrd"))
    wait_ready(window)
    dialog = send_to_pacs(window, window.session)
    assert dialog.export_box.isEnabled() and dialog.export_box.isChecked()
    extra = tmp_path / "extra.dcm"
    pydicom.dcmread(ct / "image_5").save_as(extra)  # a file the user adds (the PACS already has it: stored again)
    dialog.add_files([extra, extra])
    assert dialog.chosen_files() == [extra]
    dialog.send_button.click()
    qtbot.waitUntil(lambda: dialog.sent is not None, timeout=120_000)
    assert (dialog.sent.done, dialog.sent.failed) == (4, []) and "Sent 4 file(s)" in dialog.status.text()
    study_uid = str(pydicom.dcmread(ct / "image_0", stop_before_pixels=True).StudyInstanceUID)
    studies = server.rest("/tools/find", {"Level": "Study", "Query": {"StudyInstanceUID": study_uid}, "Expand": True})
    modalities = sorted(server.rest(f"/series/{s}")["MainDicomTags"]["Modality"] for s in studies[0]["Series"])
    assert {"SEG", "SR", "DOC"} <= set(modalities)  # SEG, SR and the encapsulated PDF report, in the CT's study
    dialog.reject()
