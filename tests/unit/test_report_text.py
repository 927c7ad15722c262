"""Report texts as a reader sees them: DICOM values readable, origin said once, the PDF's real dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from pypdf import PdfReader

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import measure
from cned_viewer.report.pdf_writer import pdf_date, write_report_pdf
from cned_viewer.report.report_data import build_report_data
from cned_viewer.scores import build_inputs, evaluate_all

RAW = {"PatientName": "liver_01^patient", "PatientID": "L01", "PatientBirthDate": "19500601", "PatientSex": "F",
       "StudyDate": "20090527", "Modality": "CT"}


@pytest.fixture(scope="module")
def report_data(demo_case):
    case = replace(demo_case, metadata=dict(demo_case.metadata, **RAW))
    measured = measure(case).to_json()
    results = evaluate_all(build_inputs(ClinicalData(differentiation="poor"), measured))
    return build_report_data(case, measured, results)


def test_identification_shows_dates_and_names_readable(report_data):
    rows = dict(report_data.identification)
    assert rows["Patient"] == "Liver_01, Patient"
    assert rows["Study date"] == "2009-05-27" and rows["Birth date"] == "1950-06-01"
    assert rows["Sex"] == "female"
    assert report_data.pdf_title == "C-NED report Liver_01, Patient"


def test_item_origin_is_said_once(report_data):
    texts = {label: text for label, _, text in report_data.cned_items}
    typed = next(text for text in texts.values() if text.startswith("typed"))
    assert "(typed)" not in typed and typed.count("typed") == 1, typed
    measured = next(text for text in texts.values() if text.startswith("measured on the image"))
    assert "(image" not in measured, measured


def test_pdf_date_has_the_local_offset():
    zone = dt.timezone(dt.timedelta(hours=-3, minutes=-30))
    assert pdf_date(dt.datetime(2024, 3, 15, 10, 30, 5, tzinfo=zone)) == "D:20240315103005-03'30'"
    assert pdf_date(dt.datetime(2024, 3, 15, 10, 30, 5, tzinfo=dt.timezone.utc)) == "D:20240315103005+00'00'"


def test_pdf_creation_and_modification_dates_are_real(report_data, tmp_path):
    zone = dt.timezone(dt.timedelta(hours=2))
    pinned = write_report_pdf(report_data, tmp_path / "pinned.pdf", created=dt.datetime(2024, 3, 15, 10, 30, tzinfo=zone))
    info = PdfReader(pinned).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20240315103000+02'00'"
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    info = PdfReader(write_report_pdf(report_data, tmp_path / "now.pdf")).metadata
    after = dt.datetime.now().astimezone()
    assert before <= info.creation_date.astimezone() <= after  # not reportlab's invariant 2000-01-01


def test_report_lesions_carry_the_viewers_numbers(demo_case):
    from cned_viewer.core.labels import LIVER_PARENCHYMA
    from cned_viewer.measure import IncrementalMeasurer, MeasureOptions
    from cned_viewer.mesh.lesion_ids import lesion_id_map
    from cned_viewer.render.report_export import report_measurements

    case = replace(demo_case, labels=replace(demo_case.labels, array=demo_case.labels.array.copy()))
    options = MeasureOptions()
    measurer = IncrementalMeasurer(case, options)
    count = measurer.measurements().lesion_count
    id_map = lesion_id_map(case.labels.array, measurer.measurements().lesions)
    old = case.labels.array[id_map.box].copy()
    case.labels.array[id_map.box][id_map.ids == 1] = LIVER_PARENCHYMA  # lesion 1 (the largest) deleted
    measurer.apply_edit(id_map.box, old)
    shown = [lesion.id for lesion in measurer.refresh().lesions]
    assert sorted(shown) == list(range(2, count + 1))
    assert [lesion.id for lesion in report_measurements(case, options, measurer.numbering).lesions] == shown
    assert sorted(lesion.id for lesion in report_measurements(case, options).lesions) == list(range(1, count))
