"""A real Orthanc on loopback for the session, with the IRCAD series uploaded through the app's C-STORE."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydicom
import pytest
from orthanc_server import APP_AE, Orthanc, start_orthanc

from cned_viewer.io.pacs import store_files
from cned_viewer.io.pacs_settings import PacsSettings


@pytest.fixture(scope="session")
def orthanc(tmp_path_factory) -> Orthanc:
    server = start_orthanc(tmp_path_factory.mktemp("orthanc"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pacs(orthanc) -> PacsSettings:
    """Settings that reach the test Orthanc as the registered app."""
    return PacsSettings(calling_ae=APP_AE, called_ae=orthanc.ae_title, host="127.0.0.1", port=orthanc.dicom_port, timeout_s=20)


@dataclass(frozen=True)
class Uploaded:
    folder: Path
    study_uid: str
    series_uid: str
    count: int


@pytest.fixture(scope="session")
def uploaded(pacs, shared_data) -> Uploaded:
    """The IRCAD CT series, stored on Orthanc with :func:`store_files`."""
    folder = shared_data / "ircadb01_p1" / "ct_dicom"
    first = pydicom.dcmread(folder / "image_0", stop_before_pixels=True)
    result = store_files(pacs, [folder])
    assert (result.done, result.failed) == (129, [])
    return Uploaded(folder, str(first.StudyInstanceUID), str(first.SeriesInstanceUID), 129)
