"""Paint over (liver + background by default, everything, background only) and erasing back to the liver."""

from __future__ import annotations

import numpy as np
import pytest

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import BACKGROUND, HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.editing import Brush, EditSession, PaintRules, Stroke, dab
from cned_viewer.editing.enclosure import inside_liver
from cned_viewer.editing.tool_settings import ToolSettings

SPACING = (1.0, 1.0, 1.0)
ALL = [BACKGROUND, LIVER_PARENCHYMA, TUMOUR, PORTAL_VEIN, HEPATIC_VEINS]


def writable(settings: ToolSettings, current: list[int]) -> list[bool]:
    row = np.asarray(current, np.uint8).reshape(1, 1, -1)
    return settings.rules().writable(row, (slice(0, 1), slice(0, 1), slice(0, row.shape[2])), None).ravel().tolist()


def liver_with_lesions() -> np.ndarray:
    """A liver block (y, x 10-49) on 5 slices: an enclosed lesion, a lesion bulging out of the
    surface at x = 50, a vessel through the liver and a false tumour outside the liver."""
    labels = np.zeros((5, 60, 70), np.uint8)
    labels[:, 10:50, 10:50] = LIVER_PARENCHYMA
    labels[:, 18:32, 18:32] = TUMOUR  # enclosed by parenchyma
    labels[:, 36:46, 42:58] = TUMOUR  # bulges out of the liver
    labels[:, 10:50, 36] = PORTAL_VEIN
    labels[:, 20:34, 56:68] = TUMOUR  # on its own, outside the liver
    return labels


def test_default_paint_over_is_liver_and_background() -> None:
    assert ToolSettings().paint_over == "liver"
    # tumour replaces parenchyma (it silently did nothing before), never a vessel
    assert writable(ToolSettings("paint", TUMOUR), ALL) == [True, True, False, False, False]
    # a vessel may run through parenchyma; it does not eat the tumour or the other vessel
    assert writable(ToolSettings("paint", PORTAL_VEIN), ALL) == [True, True, False, False, False]
    # parenchyma fills background only: it never eats a tumour or a vessel
    assert writable(ToolSettings("paint", LIVER_PARENCHYMA), ALL) == [True, False, False, False, False]


@pytest.mark.parametrize("paint_over, expected", [
    ("everything", [True, True, False, True, True]),
    ("background", [True, False, False, False, False]),
])
def test_the_other_paint_over_choices(paint_over: str, expected: list[bool]) -> None:
    assert writable(ToolSettings("paint", TUMOUR, paint_over=paint_over), ALL) == expected  # type: ignore[arg-type]


def test_unknown_paint_over_is_refused() -> None:
    with pytest.raises(ValueError, match="paint over"):
        ToolSettings(paint_over="vessels")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="enclosed_value"):
        PaintRules.erase(None, enclosed_value=LIVER_PARENCHYMA)


def test_default_tumour_stroke_over_the_liver_spares_the_vessel() -> None:
    labels = liver_with_lesions()
    before = labels.copy()
    stroke = Stroke(labels, Brush(4.0), ToolSettings("paint", TUMOUR).rules(), SPACING)
    for x in range(24, 46):
        stroke.move_to((2, 40, x))
    changed = labels != before
    assert changed.any() and np.all(labels[changed] == TUMOUR)
    assert set(np.unique(before[changed])) == {LIVER_PARENCHYMA}
    assert np.array_equal(labels == PORTAL_VEIN, before == PORTAL_VEIN)


def test_erasing_a_whole_enclosed_lesion_gives_parenchyma_back() -> None:
    labels = liver_with_lesions()
    before = labels.copy()
    dab(labels, (2, 25, 25), Brush(12.0), ToolSettings("erase", TUMOUR).rules(), SPACING)
    lesion = np.zeros(labels.shape, bool)
    lesion[2, 18:32, 18:32] = True
    assert np.all(labels[lesion] == LIVER_PARENCHYMA)
    assert np.array_equal(labels[~lesion], before[~lesion])


def test_erasing_inside_a_lesion_leaves_no_hole() -> None:
    labels = liver_with_lesions()
    stroke = Stroke(labels, Brush(2.0), ToolSettings("erase", TUMOUR).rules(), SPACING)
    for y in range(22, 29):
        stroke.move_to((2, y, 25))
    erased = (liver_with_lesions() == TUMOUR) & (labels != TUMOUR)
    assert erased.sum() > 20
    assert np.all(labels[erased] == LIVER_PARENCHYMA)
    assert np.count_nonzero(labels == BACKGROUND) == np.count_nonzero(liver_with_lesions() == BACKGROUND)


def test_erase_gives_parenchyma_inside_the_liver_and_background_outside() -> None:
    labels = liver_with_lesions()
    rules = ToolSettings("erase", TUMOUR).rules()
    dab(labels, (2, 25, 25), Brush(2.5), rules, SPACING)  # within the enclosed lesion
    dab(labels, (2, 27, 62), Brush(2.5), rules, SPACING)  # within the false tumour: still background
    dab(labels, (2, 41, 55), Brush(2.5), rules, SPACING)  # the part bulging out of the liver
    assert labels[2, 25, 25] == LIVER_PARENCHYMA
    assert labels[2, 27, 62] == BACKGROUND and not np.any(labels[2, 20:34, 56:68] == LIVER_PARENCHYMA)
    erased = (liver_with_lesions() == TUMOUR) & (labels != TUMOUR)
    erased[:, :, :51] = False
    assert erased[2, 36:46, 51:58].any() and np.all(labels[erased] == BACKGROUND)
    # ticked "inside the liver": every erased tumour voxel becomes parenchyma; vessels erase to background
    dab(labels, (2, 30, 62), Brush(1.0), ToolSettings("erase", TUMOUR, inside_liver=True).rules(), SPACING)
    assert labels[2, 30, 62] == LIVER_PARENCHYMA
    dab(labels, (2, 15, 36), Brush(1.0), ToolSettings("erase", PORTAL_VEIN).rules(), SPACING)
    assert labels[2, 15, 36] == BACKGROUND


def test_inside_liver_is_per_slice_and_ignores_other_slices() -> None:
    labels = liver_with_lesions()
    erased = np.zeros((5, 60, 70), bool)
    erased[:, 24, 24] = True  # the enclosed lesion
    erased[:, 27, 62] = True  # the false tumour
    box = (slice(0, 5), slice(0, 60), slice(0, 70))
    inside = inside_liver(labels, box, erased, TUMOUR)
    assert inside[:, 24, 24].all() and not inside[:, 27, 62].any()
    labels[3] = 0
    labels[3, 20:30, 20:30] = TUMOUR  # slice 3: the lesion alone, no liver around it
    assert not inside_liver(labels, box, erased, TUMOUR)[3, 24, 24]


def test_erase_stroke_is_logged_with_its_rule() -> None:
    array = liver_with_lesions()
    labels = LabelMap(array, Geometry.for_array(array.shape, SPACING))
    session = EditSession(labels)
    session.begin_stroke((2, 25, 25), Brush(3.0), ToolSettings("erase", TUMOUR).rules())
    step = session.end_stroke()
    assert step is not None and step.description.startswith("erase")
    assert session.log.entries[-1].parameters["rules"]["enclosed_value"] == LIVER_PARENCHYMA
    session.undo()
    assert np.array_equal(labels.array, liver_with_lesions())
