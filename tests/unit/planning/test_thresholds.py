"""BSA (Mosteller), TELV (Vauthey 2002) and the FLR threshold rule, against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from cned_viewer.core.clinical import ClinicalData
from cned_viewer.planning import bsa_mosteller_m2, flr_threshold, telv_vauthey_ml
from cned_viewer.planning.figures import LesionStatus, plan_figures
from cned_viewer.planning.thresholds import EXTENSIVE_CHEMOTHERAPY_CYCLES


@pytest.mark.parametrize(("height_cm", "weight_kg", "bsa_m2", "telv_ml"), [
    (180, 90, math.sqrt(4.5), -794.41 + 1267.28 * 2.1213203435596424),  # 180 x 90 / 3600 = 4.5
    (160, 50, 1.4907119849998598, 1094.7394843506224),  # sqrt(20 / 9); -794.41 + 1267.28 x 1.490712 = 1094.74
    (175, 70, 1.8446619684315546, 1543.2932193539405),
])
def test_bsa_and_telv_by_hand(height_cm, weight_kg, bsa_m2, telv_ml):
    assert bsa_mosteller_m2(height_cm, weight_kg) == pytest.approx(bsa_m2, rel=1e-12)
    assert telv_vauthey_ml(bsa_mosteller_m2(height_cm, weight_kg)) == pytest.approx(telv_ml, rel=1e-12)


def test_bsa_needs_positive_inputs():
    with pytest.raises(ValueError):
        bsa_mosteller_m2(0, 70)


@pytest.mark.parametrize(("inputs", "percent", "reason"), [
    ({"cirrhosis": False, "steatosis": False, "chemotherapy_cycles": 0}, 20, "normal liver"),
    ({"cirrhosis": False, "steatosis": False, "chemotherapy_cycles": EXTENSIVE_CHEMOTHERAPY_CYCLES}, 20, "normal liver"),
    ({"cirrhosis": False, "steatosis": False, "chemotherapy_cycles": EXTENSIVE_CHEMOTHERAPY_CYCLES + 1}, 30, "extensive chemotherapy"),
    ({"cirrhosis": False, "steatosis": True, "chemotherapy_cycles": 2}, 30, "steatosis"),
    ({"cirrhosis": True, "steatosis": True, "chemotherapy_cycles": 12}, 40, "cirrhosis"),
])
def test_threshold_rule(inputs, percent, reason):
    threshold = flr_threshold(ClinicalData(**inputs))
    assert threshold.percent == percent and threshold.reason.startswith(reason) and threshold.unknown == ()
    assert threshold.source and threshold.note == ""


def test_unknown_inputs_are_named_not_assumed():
    threshold = flr_threshold(ClinicalData())
    assert threshold.percent == 20 and threshold.unknown == ("cirrhosis", "steatosis", "chemotherapy cycles")
    assert threshold.note == "cirrhosis, steatosis and chemotherapy cycles unknown: the FLR threshold does not assume them"
    chemo = flr_threshold(ClinicalData(chemotherapy_cycles=8, steatosis=False))
    assert chemo.percent == 30 and chemo.unknown == ("cirrhosis",)  # only cirrhosis could raise it further


def test_sflr_uses_telv_and_flr_the_functional_liver():
    clinical = ClinicalData(height_cm=180, weight_kg=90, cirrhosis=False, steatosis=False, chemotherapy_cycles=8)
    figures = plan_figures(1000, 600, 1.0, [LesionStatus(1, "removed", 5.0)], clinical, "voxels")
    assert (figures.functional_liver_ml, figures.resected_ml, figures.remnant_ml) == (1000.0, 600.0, 400.0)
    assert figures.flr_percent == 40.0
    telv = -794.41 + 1267.28 * math.sqrt(4.5)
    assert figures.telv_ml == pytest.approx(telv) and figures.sflr_percent == pytest.approx(400 / telv * 100)
    assert figures.threshold.percent == 30 and figures.meets_threshold is False  # sFLR 21.1 % < 30 %
    assert figures.verdict.text.startswith("Not NED: sFLR 21.1 % < 30 % (extensive chemotherapy")
    measured = plan_figures(1000, 600, 1.0, [LesionStatus(1, "removed", 5.0)], ClinicalData(chemotherapy_cycles=8), "voxels")
    assert measured.sflr_percent is None and measured.meets_threshold is True  # FLR 40 % >= 30 %
    assert measured.verdict.text == "The lesion removed with >= 1 mm margin; FLR 40 % >= 30 %: this plan would reach NED"
    assert any("no sFLR" in w for w in measured.warnings)
