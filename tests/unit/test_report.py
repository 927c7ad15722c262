"""The PDF report: numbers as the engine and the panel give them, images, pages, fonts."""

from __future__ import annotations

import json
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from cned_viewer.cli import main
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.measure import measure
from cned_viewer.report.pdf_writer import write_report_pdf
from cned_viewer.report.report_data import build_report_data
from cned_viewer.scores import build_inputs, evaluate_all
from cned_viewer.scores.results import format_number


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _image_count(reader: PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def _render_pages(pdf, folder) -> list[np.ndarray]:
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(folder / "page")], check=True, timeout=120)
    return [np.asarray(Image.open(p).convert("L")) for p in sorted(folder.glob("page*.png"))]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory, demo_files):
    folder = tmp_path_factory.mktemp("report")
    clinical = folder / "clinical.json"
    clinical.write_text(json.dumps({"differentiation": "poor", "node_positive": True, "cea_ng_ml": 35}))
    pdf = folder / "demo.pdf"
    image, labels = demo_files
    assert main(["report", str(image), "--labels", str(labels), "--clinical", str(clinical), "-o", str(pdf)]) == 0
    return pdf


def test_report_quotes_the_engine_and_the_scores(demo_report, demo_case):
    text = _text(PdfReader(demo_report))
    measured = measure(demo_case).to_json()
    results = evaluate_all(build_inputs(ClinicalData(differentiation="poor", node_positive=True, cea_ng_ml=35), measured))
    assert f"TLVR >= 0.23 1 / 1 measured on the image: {format_number(measured['tlvr'])}" in " ".join(text.split())
    assert f"Lesions ({measured['lesion_count']})" in text
    assert f"C-NED {results[0].total_text()}" in text
    assert "BORDERLINE" in text  # the demo's TLVR range straddles 0.23
    assert "not reported" in text or "Median PFS" in text
    assert "does not replace" in text
    contact = np.hypot(*demo_case.image.geometry.spacing_xyz_mm[:2])
    assert f"26-connected tumour voxels of at least 0.1 mL; vessel contact within {contact:.2f} mm" in " ".join(text.split())


def test_report_has_three_images_and_no_blank_page(demo_report, tmp_path):
    reader = PdfReader(demo_report)
    assert 1 <= len(reader.pages) <= 2
    assert _image_count(reader) == 3
    if shutil.which("pdftoppm"):
        for page in _render_pages(demo_report, tmp_path):
            assert page.std() > 10  # ink on the page
    else:
        pytest.skip("pdftoppm (poppler-utils) is not installed")


def test_fonts_are_embedded_and_the_page_is_a4(demo_report):
    reader = PdfReader(demo_report)
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    fonts = page["/Resources"]["/Font"]
    for font in fonts.values():
        font = font.get_object()
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # the font program is embedded


def test_letter_size(tmp_path, demo_case):
    measured = measure(demo_case).to_json()
    data = build_report_data(demo_case, measured, evaluate_all(build_inputs(ClinicalData(), measured)))
    pdf = write_report_pdf(data, tmp_path / "letter.pdf", "letter")
    page = PdfReader(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
    text = _text(PdfReader(pdf))
    assert "C-NED incomplete" in text and "Differentiation" in text  # unknown differentiation is missing


@pytest.mark.data
def test_ircad_report_and_deidentification(shared_data, tmp_path):
    ct, labels = shared_data / "ircadb01_p1" / "ct_dicom", shared_data / "ircadb01_p1" / "labels.nrrd"
    named, anonymous = tmp_path / "named.pdf", tmp_path / "anonymous.pdf"
    assert main(["report", str(ct), "--labels", str(labels), "-o", str(named)]) == 0
    assert main(["report", str(ct), "--labels", str(labels), "-o", str(anonymous), "--deidentify"]) == 0
    named_text = _text(PdfReader(named))
    assert "Liver_01, Patient" in named_text and "2009-05-27" in named_text  # DICOM PN and DA shown readable
    assert "Lesions (7)" in named_text
    reader = PdfReader(anonymous)
    text = _text(reader) + json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})
    for secret in ("liver_01", "20090527", "1.2.826.0.1.3680043.2.1125", "ircadb01", "ct_dicom"):
        assert secret not in text
    assert "CASE-" in text


def test_manual_edits_are_listed(demo_case, tmp_path):
    from cned_viewer.core.provenance import EditRecord, Provenance, label_changes

    labels = demo_case.labels
    before = labels.array.copy()
    after = before.copy()
    after[60, 150:160, 150:160] = 2
    record = EditRecord.between("labels", before, after)
    entry = Provenance("brush", "0.1.0", "paint tumour", "2026-11-22T10:00:00+00:00", label_changes(record, labels.table, labels.geometry.voxel_volume_ml))
    measured = measure(demo_case).to_json()
    data = build_report_data(demo_case, measured, evaluate_all(build_inputs(ClinicalData(), measured)), edits=[entry.to_json()])
    assert len(data.edits) == 1 and "paint tumour (brush 0.1.0)" in data.edits[0] and "tumour +" in data.edits[0]


def test_plugin_sections_are_printed_and_deidentified(demo_case, tmp_path):
    from dataclasses import replace

    from cned_viewer.report.report_data import ExtraSection

    case = replace(demo_case, metadata=dict(demo_case.metadata, PatientName="Doe^Jane", PatientID="PID-4711"))
    measured = measure(case).to_json()
    section = ExtraSection("Segment volumetry", (("Patient", "Doe^Jane"), ("Segment IV", "210.3 mL")), ("Planned for PID-4711.",), "volumetry 1.0")
    scores = evaluate_all(build_inputs(ClinicalData(), measured))
    named = build_report_data(case, measured, scores, extra_sections=[section], extra_notices=["left out: plugin x failed"])
    assert named.extra_sections == (section,) and named.notices[-1] == "left out: plugin x failed"
    anonymous = build_report_data(case, measured, scores, extra_sections=[section], deidentify=True)
    shown = anonymous.extra_sections[0]
    assert shown.rows[0] == ("Patient", "[removed]") and shown.paragraphs == ("Planned for [removed].",)
    assert shown.rows[1] == ("Segment IV", "210.3 mL") and shown.source == "volumetry 1.0"
    write_report_pdf(anonymous, tmp_path / "r.pdf")
    text = " ".join(_text(PdfReader(tmp_path / "r.pdf")).split())
    assert "Segment volumetry" in text and "From the plugin volumetry 1.0" in text and "Doe" not in text and "4711" not in text


def test_segments_involved_are_listed(demo_case):
    measured = dict(measure(demo_case).to_json(), bilobar=True, segments_involved=[2, 4, 7])
    data = build_report_data(demo_case, measured, evaluate_all(build_inputs(ClinicalData(), measured)))
    rows = dict(data.measurements)
    assert rows["Segments involved"] == "3 (II, IV, VII)" and rows["Bilobar disease"] == "yes"
    assert "Segments involved" not in dict(build_report_data(demo_case, measure(demo_case).to_json(), evaluate_all(build_inputs(ClinicalData(), measured))).measurements)
