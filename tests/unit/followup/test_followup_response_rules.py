"""RECIST 1.1 and the volumetric classes as tables: thresholds, the +5 mm rule, the nadir, new lesions, targets."""

from __future__ import annotations

import pytest

from cned_viewer.followup import CR, NE, PD, PR, RECIST, SD, VOLUMETRIC, assess_series, classify
from cned_viewer.followup.recist import select_targets
from cned_viewer.followup.response import depth_of_response_percent, early_tumour_shrinkage
from cned_viewer.measure import Lesion


@pytest.mark.parametrize(("baseline", "nadir", "current", "new", "expected"), [
    (50.0, 50.0, 35.0, False, PR),      # exactly -30 %
    (50.0, 50.0, 35.5, False, SD),      # -29 %
    (50.0, 50.0, 0.0, False, CR),       # all targets gone
    (50.0, 50.0, 0.0, True, PD),        # ... but a new lesion
    (50.0, 50.0, 50.0, True, PD),       # a new lesion means PD
    (50.0, 50.0, 60.0, False, PD),      # +20 % and +10 mm
    (50.0, 50.0, 59.0, False, SD),      # +18 %
    (20.0, 20.0, 24.0, False, SD),      # +20 % but only +4 mm: the absolute rule
    (20.0, 20.0, 25.0, False, PD),      # +25 % and +5 mm
    (50.0, 20.0, 24.0, False, PR),      # +20 % over the nadir, +4 mm: still -52 % from baseline
    (50.0, 25.0, 30.0, False, PD),      # +20 % and +5 mm over the nadir, though -40 % from baseline
    (50.0, 0.0, 6.0, False, PD),        # regrowth after a complete response
    (0.0, 0.0, 0.0, False, NE),         # no measurable target
    (0.0, 0.0, 0.0, True, PD),
])
def test_recist_classes(baseline, nadir, current, new, expected):
    assert classify(RECIST, baseline, nadir, current, new) == expected


@pytest.mark.parametrize(("baseline", "nadir", "current", "expected"), [
    (10.0, 10.0, 3.5, PR),    # -65 %
    (10.0, 10.0, 3.6, SD),
    (10.0, 10.0, 17.3, PD),   # +73 %
    (10.0, 10.0, 17.2, SD),
    (10.0, 4.0, 6.92, PD),    # +73 % over the nadir
    (10.0, 10.0, 0.0, CR),
])
def test_volumetric_classes(baseline, nadir, current, expected):
    assert classify(VOLUMETRIC, baseline, nadir, current) == expected


def test_the_nadir_follows_the_series():
    series = assess_series(RECIST, 50.0, [30.0, 25.0, 31.0, 29.0], [False, False, False, False])
    assert [a.nadir for a in series] == [50.0, 30.0, 25.0, 25.0]
    assert [a.response for a in series] == [PR, PR, PD, PR]  # 31 is +24 % and +6 mm over 25
    assert depth_of_response_percent(series) == pytest.approx(-50.0)
    assert early_tumour_shrinkage(series) is True
    assert early_tumour_shrinkage(assess_series(RECIST, 50.0, [41.0])) is False  # -18 %


def _lesion(number: int, diameter_mm: float) -> Lesion:
    return Lesion(number, 1.0, (0.0, 0.0, 0.0), (0, 0, 0, 0, 0, 0), diameter_mm, diameter_mm, None, None, False, False, 0.0, 0.0, None)


@pytest.mark.parametrize(("diameters", "wanted", "expected"), [
    ((30.0, 12.0, 25.0), None, (1, 3)),      # the two largest
    ((30.0, 9.9, 8.0), None, (1,)),          # only one measurable (>= 10 mm)
    ((9.0, 8.0), None, ()),
    ((30.0, 12.0, 25.0), [2, 3], (2, 3)),    # chosen by number
])
def test_target_selection(diameters, wanted, expected):
    lesions = [_lesion(k + 1, d) for k, d in enumerate(diameters)]
    assert select_targets(lesions, wanted) == expected


@pytest.mark.parametrize(("wanted", "message"), [([1, 2, 3], "at most 2"), ([4], "not a baseline lesion"), ([2], "not measurable")])
def test_bad_targets_say_why(wanted, message):
    with pytest.raises(ValueError, match=message):
        select_targets([_lesion(1, 30.0), _lesion(2, 9.0), _lesion(3, 20.0)], wanted)
