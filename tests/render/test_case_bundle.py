"""Case bundles: round trip, overrides and view state kept, clear messages for broken bundles."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.io.case_bundle import FORMAT_VERSION, MANIFEST, is_bundle, labels_digest, load_bundle, save_bundle


@pytest.fixture
def clinical_case(demo_case) -> Case:
    clinical = ClinicalData(differentiation="poor", cea_ng_ml=12.5).with_override("lesion_count", 12, "recounted on MRI")
    return Case(demo_case.image, demo_case.labels, demo_case.segments, clinical, {}, ["a notice"])


def test_round_trip_with_copied_image(tmp_path, clinical_case) -> None:
    folder = save_bundle(clinical_case, tmp_path / "patient", {"window": [150, 70], "selected_lesion": 2})
    assert folder.name == "patient.cned" and is_bundle(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["format_version"] == FORMAT_VERSION and manifest["image"]["mode"] == "copy"
    bundle = load_bundle(folder)
    assert np.array_equal(bundle.case.labels.array, clinical_case.labels.array)
    assert np.array_equal(bundle.case.image.array, clinical_case.image.array)
    assert bundle.case.image.geometry.matches(clinical_case.image.geometry)
    assert bundle.case.clinical == clinical_case.clinical
    assert bundle.view_state == {"window": [150, 70], "selected_lesion": 2}
    assert manifest["labels_sha256"] == labels_digest(bundle.case.labels.array)
    assert bundle.case.warnings == clinical_case.warnings


def test_reference_to_the_source_image(tmp_path, demo_files, clinical_case) -> None:
    image_path, _ = demo_files
    case = Case(clinical_case.image, clinical_case.labels, None, clinical_case.clinical, {"source": str(image_path)})
    folder = save_bundle(case, tmp_path / "ref.cned")
    assert not (folder / "image.nii.gz").exists()
    assert load_bundle(folder).case.image.array.shape == case.image.array.shape


def test_missing_image_and_newer_format_are_explained(tmp_path, demo_files, clinical_case) -> None:
    image_path, _ = demo_files
    moved = tmp_path / "moved.nii.gz"
    moved.write_bytes(image_path.read_bytes())
    case = Case(clinical_case.image, clinical_case.labels, None, clinical_case.clinical, {"source": str(moved)})
    folder = save_bundle(case, tmp_path / "b.cned")
    moved.unlink()
    with pytest.raises(UserError, match="not there any more"):
        load_bundle(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(UserError, match="newer"):
        load_bundle(folder)
    with pytest.raises(UserError, match="not a case bundle"):
        load_bundle(tmp_path)


def test_saving_again_replaces_files_atomically(tmp_path, clinical_case) -> None:
    folder = save_bundle(clinical_case, tmp_path / "again.cned")
    save_bundle(clinical_case, folder, {"camera": "left"})
    assert load_bundle(folder).view_state == {"camera": "left"}
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_edit_log_travels_with_the_bundle_into_the_report(tmp_path, demo_case) -> None:
    """Delete a lesion, save, reopen, report: the edit is listed and bundle and report name the same mask SHA-256."""
    from pypdf import PdfReader

    from cned_viewer.cli import main
    from cned_viewer.editing.log import EditLog
    from cned_viewer.editing.session import EditSession

    labels = type(demo_case.labels)(demo_case.labels.array.copy(), demo_case.labels.geometry, demo_case.labels.table)
    case = Case(demo_case.image, labels, None, ClinicalData(), {}, [])
    session = EditSession(case.labels, case.image)
    session.log = EditLog(case.provenance)
    tumour = tuple(int(v) for v in np.argwhere(labels.array == 2)[0])
    assert session.delete_lesion(tumour) is not None and len(case.provenance) == 1
    folder = save_bundle(case, tmp_path / "edited")
    reopened = load_bundle(folder).case
    assert [e.to_json() for e in reopened.provenance] == [e.to_json() for e in case.provenance]
    recorded = json.loads((folder / MANIFEST).read_text())["labels_sha256"]
    assert reopened.labels.checksum() == case.labels.checksum() == recorded
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(folder), "-o", str(pdf)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "No manual edits recorded" not in text and case.provenance[0].operation in text
    assert recorded[:16] in text


def test_bundle_without_an_edit_log_opens_with_none(tmp_path, clinical_case) -> None:
    folder = save_bundle(clinical_case, tmp_path / "old")
    manifest = json.loads((folder / MANIFEST).read_text())
    del manifest["files"]["edits"]
    (folder / MANIFEST).write_text(json.dumps(manifest))
    assert load_bundle(folder).case.provenance == []
