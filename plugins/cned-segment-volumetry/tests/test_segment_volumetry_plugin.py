"""The segment volumetry plugin: discovery, the report section and the CSV export on the demo case."""

from __future__ import annotations

import csv
import dataclasses
import re
from importlib.metadata import entry_points

import numpy as np
import pytest

from cned_segment_volumetry import PLUGIN_NAME, make_plugin
from cned_viewer.core.labels import SEGMENT_LABEL_TABLE, LabelMap
from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.errors import UserError
from cned_viewer.measure.segment_volumes import segment_volumetry
from cned_viewer.plugins import ENTRY_POINT_GROUP, Exporter, Plugin, PluginManager, ReportSection

ROMAN = "I II III IV V VI VII VIII".split()
ROW = re.compile(r"liver (\d+\.\d) mL \((\d+\.\d|n/a) % of liver\), tumour (\d+\.\d) mL \((\d+\.\d|n/a) %\)")


@pytest.fixture(scope="module")
def demo_case():
    return make_demo_case()


def couinaud_map(case, leave_corner: bool = False) -> np.ndarray:
    """Segments by planes through the liver's box: x halves (left 2-4 | right 5-8), y thirds, a caudate core."""
    liver = np.isin(case.labels.array, (1, 2))
    z, y, x = np.nonzero(liver)
    ym = np.linspace(y.min(), y.max() + 1, 4).astype(int)
    xm = (x.min() + x.max()) // 2
    seg = np.zeros(liver.shape, np.uint8)
    seg[:, : ym[1], :xm], seg[:, ym[1]: ym[2], :xm], seg[:, ym[2]:, :xm] = 2, 3, 4
    seg[:, : ym[1], xm:], seg[:, ym[1]: ym[2], xm:], seg[:, ym[2]:, xm:] = 7, 8, 5
    seg[:, ym[2]:, (xm + x.max()) // 2:] = 6
    zc, yc = (z.min() + z.max()) // 2, (y.min() + y.max()) // 2
    seg[zc - 5: zc + 5, yc - 10: yc + 10, xm - 10: xm + 10] = 1
    if leave_corner:
        seg[:, : ym[1], : x.min() + 40] = 0
    seg[~liver] = 0
    return seg


def with_segments(case, leave_corner: bool = False):
    segments = LabelMap(couinaud_map(case, leave_corner), case.image.geometry, SEGMENT_LABEL_TABLE)
    return dataclasses.replace(case, segments=segments)


def test_entry_point_is_discovered_and_contributions_are_right():
    names = [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)]
    assert PLUGIN_NAME in names
    plugin = make_plugin()
    assert isinstance(plugin, Plugin) and plugin.name == PLUGIN_NAME and plugin.version == "0.1.0"
    assert plugin.contributions() == {
        "segmenters": [], "scores": [], "importers": [],
        "exporters": ["segment-volumetry-csv"], "report_sections": ["segment-volumetry"],
    }
    (exporter,), (section,) = plugin.exporters, plugin.report_sections
    assert isinstance(exporter, Exporter) and exporter.name == "Segment volumetry (CSV)" and exporter.suffixes == (".csv",)
    assert isinstance(section, ReportSection) and section.title == "Couinaud segment volumetry"
    (entry,) = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == PLUGIN_NAME]
    manager = PluginManager(find=lambda: [entry])
    manager.discover()
    assert manager.records[PLUGIN_NAME].to_json()["state"] == "enabled"


def test_report_says_no_segment_map_is_loaded(demo_case):
    assert demo_case.segments is None
    data = make_plugin().report_sections[0].build(demo_case, {})
    assert data.title == "Couinaud segment volumetry" and data.rows == ()
    text = " ".join(data.paragraphs)
    assert "No Couinaud segment map is loaded" in text
    assert "--segments SEGMAP" in text and "File > Open Couinaud segment map" in text
    no_labels = dataclasses.replace(demo_case, labels=None, segments=with_segments(demo_case).segments)
    assert "No liver and tumour labels are loaded" in make_plugin().report_sections[0].build(no_labels, {}).paragraphs[0]


def test_report_rows_match_the_measurement_and_numpy(demo_case):
    case = with_segments(demo_case)
    data = make_plugin().report_sections[0].build(case, {})
    expected = segment_volumetry(case.labels, case.segments)
    labels, seg = case.labels.array, case.segments.array
    voxel_ml = case.image.geometry.voxel_volume_ml
    liver, tumour = np.isin(labels, (1, 2)), labels == 2
    whole = np.count_nonzero(liver & (seg > 0))
    assert [label for label, _ in data.rows] == [f"Segment {r}" for r in ROMAN] + [
        "Caudate (1)", "Left liver (2-4)", "Right liver (5-8)", "Liver in no segment"]
    for (label, value), row in zip(data.rows, expected.rows):
        assert label == row.name
        match = ROW.fullmatch(value)
        assert match, value
        in_row = np.isin(seg, row.segments)
        n_liver, n_tumour = np.count_nonzero(liver & in_row), np.count_nonzero(tumour & in_row)
        assert n_liver > 0
        assert float(match[1]) == pytest.approx(n_liver * voxel_ml, abs=0.05)
        assert float(match[2]) == pytest.approx(100 * n_liver / whole, abs=0.05)
        assert float(match[3]) == pytest.approx(n_tumour * voxel_ml, abs=0.05)
        assert float(match[4]) == pytest.approx(100 * n_tumour / n_liver, abs=0.05)
        assert value == (f"liver {row.liver_ml:.1f} mL ({100 * row.share_of_liver:.1f} % of liver), "
                         f"tumour {row.tumour_ml:.1f} mL ({100 * row.tumour_share:.1f} %)")
    assert any(float(ROW.fullmatch(v)[3]) > 0 for _, v in data.rows[:8])  # the demo tumours are in some segments
    assert data.rows[-1][1].startswith("0.0 mL")
    assert not any("Warning" in p for p in data.paragraphs)


def test_report_warns_about_liver_outside_the_segments(demo_case):
    case = with_segments(demo_case, leave_corner=True)
    missed = np.count_nonzero(np.isin(case.labels.array, (1, 2)) & (case.segments.array == 0))
    assert missed > 0
    data = make_plugin().report_sections[0].build(case, {})
    missed_ml = f"{missed * case.image.geometry.voxel_volume_ml:.1f}"
    assert data.rows[-1][0] == "Liver in no segment" and data.rows[-1][1].startswith(f"{missed_ml} mL")
    (warning,) = [p for p in data.paragraphs if p.startswith("Warning")]
    assert missed_ml in warning and "no Couinaud segment" in warning


def test_csv_export_round_trips(demo_case, tmp_path):
    case = with_segments(demo_case, leave_corner=True)
    target = tmp_path / "out" / "volumetry.csv"
    written = make_plugin().exporters[0].export(case, target)
    assert written == target and target.is_file()
    assert not [p for p in target.parent.iterdir() if p != target]  # no temporary file left behind
    expected = segment_volumetry(case.labels, case.segments)
    with target.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["segment", "segments", "liver_ml", "tumour_ml", "tumour_share", "share_of_liver"]
        rows = list(reader)
    assert len(rows) == len(expected.rows) + 1

    def value(cell: str) -> float | None:
        return None if cell == "" else float(cell)

    for got, row in zip(rows, expected.rows):
        assert got["segment"] == row.name
        assert tuple(int(s) for s in got["segments"].split(";")) == row.segments
        assert value(got["liver_ml"]) == row.liver_ml and value(got["tumour_ml"]) == row.tumour_ml
        assert value(got["tumour_share"]) == row.tumour_share
        assert value(got["share_of_liver"]) == row.share_of_liver
    assert rows[-1] == {"segment": "unassigned", "segments": "", "liver_ml": repr(expected.unassigned_liver_ml),
                        "tumour_ml": "", "tumour_share": "", "share_of_liver": ""}
    assert expected.unassigned_liver_ml > 0


def test_csv_keeps_empty_cells_for_undefined_shares(demo_case, tmp_path):
    seg = couinaud_map(demo_case)
    seg[seg == 3] = 4  # no segment III: no liver, so no tumour share
    case = dataclasses.replace(demo_case, segments=LabelMap(seg, demo_case.image.geometry, SEGMENT_LABEL_TABLE))
    path = make_plugin().exporters[0].export(case, tmp_path / "v.csv")
    with path.open(newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["segment"] == "Segment III")
    assert row["liver_ml"] == "0.0" and row["tumour_share"] == "" and row["share_of_liver"] == "0.0"


def test_export_without_a_segment_map_raises_user_error(demo_case, tmp_path):
    exporter = make_plugin().exporters[0]
    with pytest.raises(UserError, match="No Couinaud segment map is loaded.*--segments SEGMAP"):
        exporter.export(demo_case, tmp_path / "v.csv")
    no_labels = dataclasses.replace(with_segments(demo_case), labels=None)
    with pytest.raises(UserError, match="labels"):
        exporter.export(no_labels, tmp_path / "v.csv")
    assert not (tmp_path / "v.csv").exists()


def test_report_and_export_commands_use_the_installed_plugin(demo_case, tmp_path, monkeypatch, capsys):
    """End to end: 'cned-viewer report demo --segments MAP' prints the section, 'export' writes the CSV."""
    import SimpleITK as sitk
    from pypdf import PdfReader

    from cned_viewer.cli import main
    from cned_viewer.io.sitk_bridge import to_sitk

    monkeypatch.setenv("CNED_CONFIG_DIR", str(tmp_path / "config"))  # default plugin settings: all enabled
    segments = LabelMap(couinaud_map(demo_case), demo_case.image.geometry, SEGMENT_LABEL_TABLE)
    sitk.WriteImage(to_sitk(segments.array, segments.geometry), str(tmp_path / "segments.nii.gz"))
    expected = segment_volumetry(demo_case.labels, segments)

    assert main(["report", "demo", "--segments", str(tmp_path / "segments.nii.gz"), "-o", str(tmp_path / "r.pdf")]) == 0
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(tmp_path / "r.pdf").pages)
    assert "Couinaud segment volumetry" in text and f"From the plugin {PLUGIN_NAME}" in text
    assert f"liver {expected.row('Segment II').liver_ml:.1f} mL" in text

    out = tmp_path / "volumetry.csv"
    assert main(["export", "demo", "--segments", str(tmp_path / "segments.nii.gz"), "--plugin", PLUGIN_NAME,
                 "--exporter", "segment-volumetry-csv", "-o", str(out)]) == 0
    rows = {row["segment"]: row for row in csv.DictReader(out.open())}
    assert float(rows["Right liver (5-8)"]["liver_ml"]) == expected.row("Right liver (5-8)").liver_ml
    assert main(["export", "demo", "--plugin", PLUGIN_NAME, "--exporter", "segment-volumetry-csv", "-o", str(out)]) == 2
    assert "No Couinaud segment map is loaded" in capsys.readouterr().err
