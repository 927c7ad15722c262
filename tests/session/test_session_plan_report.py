"""The "Resection plan" sections of the report: one per plan of ``session.plans``, from the session and the CLI."""

from __future__ import annotations

from pypdf import PdfReader

from cned_viewer.report.plan_section import percent_text
from tests.session.test_session_plans import planned  # noqa: F401  (the fixture: segment 7, and one plane)


def _text(path) -> str:
    return " ".join("\n".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_report_has_a_section_per_plan_with_the_figures_and_verdict(planned, tmp_path):
    s = planned
    assert s.files.export_report(str(tmp_path / "r.pdf"))
    text = _text(tmp_path / "r.pdf")
    assert text.count("Resection plan: ") == 2
    for name in s.plans.names:
        figures = s.plans.figures[name]
        section = text[text.index(f"Resection plan: {name}"):]
        assert " ".join(figures.verdict.text.split()) in section
        assert f"FLR (remnant / functional liver) {percent_text(figures.flr_percent, figures.threshold.percent)}" in section
        assert "sFLR (remnant / TELV) needs height and weight" in section
        assert f"{figures.threshold.percent:g} %: normal liver (Kishi et al. 2009; Adams et al. 2013)" in section
        assert "3D, anterior view: remnant liver blue, resected liver white" in section
    statuses = {lesion.status for name in s.plans.names for lesion in s.plans.figures[name].lesions}
    assert statuses  # the demo's lesions are listed in the sections


def test_report_without_plans_has_no_plan_section(demo_session, tmp_path):
    assert demo_session.files.export_report(str(tmp_path / "r.pdf"))
    assert "Resection plan" not in _text(tmp_path / "r.pdf")


def test_cli_report_of_a_bundle_reports_its_plans(planned, tmp_path, capsys):
    from cned_viewer.cli import main

    folder = tmp_path / "case.cned"
    assert planned.files.save_to(folder)
    assert main(["report", str(folder), "-o", str(tmp_path / "b.pdf")]) == 0, capsys.readouterr().err
    text = _text(tmp_path / "b.pdf")
    assert text.count("Resection plan: ") == 2 and "Resection plan: right" in text and "Resection plan: plane" in text
