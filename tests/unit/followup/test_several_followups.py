"""Several follow-ups: each one's figures as they stood at that scan, and the report's rows for every time point."""

from __future__ import annotations

import numpy as np

from cned_viewer.followup import PD, SD, PhysicalMap, TimePoint, compare
from cned_viewer.report.response_section import TIMEPOINT_HEADER, response_section


def test_each_follow_up_row_has_its_own_response(synthetic):
    pair, registration, baseline, followup, _ = synthetic
    unchanged = TimePoint.measure("month 1", pair.baseline_labels)  # the baseline again: 0 % change, stable disease
    identity = PhysicalMap(np.eye(3), np.zeros(3))
    data = {"registration": registration.to_json(), **compare(baseline, [(unchanged, identity), (followup, registration.transform)]).to_json()}
    rows = {row[0]: dict(zip(TIMEPOINT_HEADER, row)) for row in response_section(data).timepoints}
    assert list(rows) == ["baseline", "month 1", "followup"]
    assert rows["baseline"]["RECIST 1.1"] == rows["baseline"]["Volumetric"] == "-"
    assert rows["month 1"]["RECIST 1.1"] == f"{SD} (+0.0 %)" and rows["month 1"]["Volumetric"] == f"{SD} (+0.0 %)"
    last = data["series"][-1]
    assert rows["followup"]["RECIST 1.1"] == f"{PD} ({last['recist_change_percent']:+.1f} %, new lesion)"  # PD by the new lesion
    assert rows["followup"]["Volumetric"] == f"{PD} ({last['ttv_change_percent']:+.1f} %)"
    assert rows["followup"]["TTV mL"] == f"{followup.measurements.burden.ttv_ml:.2f}"


def test_an_earlier_follow_up_reads_as_the_comparison_made_at_that_time(synthetic):
    """``to_json(name)`` of a series equals the comparison of the scans up to ``name`` alone (nadir, ETS, depth)."""
    pair, registration, baseline, followup, _ = synthetic
    unchanged = TimePoint.measure("month 1", pair.baseline_labels)
    identity = PhysicalMap(np.eye(3), np.zeros(3))
    both = compare(baseline, [(unchanged, identity), (followup, registration.transform)])
    assert both.to_json("month 1") == compare(baseline, [(unchanged, identity)]).to_json()
    assert both.to_json("followup") == both.to_json() == both.to_json("not compared")  # the last, by name or by default
    assert [both.index(n) for n in ("month 1", "followup", None)] == [0, 1, 1]
