"""The classic segmenters on 3D-IRCADb-01 patient 1, from clicks a surgeon would place.

Clicks come from the expert labels' geometry: the deepest point of the liver parenchyma,
the centroid of the largest metastasis, the thickest point of each vessel tree inside the
liver. The workflow runs through the plugin manager and applies each result as one
undoable step, as the viewer does: liver, then the lesion (kept inside that liver), then
the vessels. Dice against the expert labels is printed; asserted thresholds sit just
below what the method reaches on this case.
"""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk
from scipy import ndimage as ndi

from cned_viewer.core.case import Case
from cned_viewer.io.images import load_image
from cned_viewer.plugins import PluginManager, Seed, SegmentationRequest, apply_step

pytestmark = pytest.mark.data
PLUGIN = "cned-segment-classic"


def dice(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * np.count_nonzero(a & b) / (np.count_nonzero(a) + np.count_nonzero(b))


def deepest_point(mask: np.ndarray, spacing_zyx: tuple[float, ...]) -> tuple[int, int, int]:
    depth = ndi.distance_transform_edt(mask, sampling=spacing_zyx)
    return tuple(int(v) for v in np.unravel_index(np.argmax(depth), mask.shape))  # type: ignore[return-value]


@pytest.fixture(scope="module")
def workflow(shared_data):
    volume = load_image(shared_data / "ircadb01_p1" / "ct.nii.gz").volume
    expert = sitk.GetArrayFromImage(sitk.ReadImage(str(shared_data / "ircadb01_p1" / "labels.nrrd")))
    geometry, spacing = volume.geometry, volume.spacing_zyx_mm
    components, _ = ndi.label(expert == 2)
    sizes = np.bincount(components.ravel())
    sizes[0] = 0
    largest = components == np.argmax(sizes)
    in_liver = np.stack([ndi.binary_fill_holes(s) for s in np.isin(expert, (1, 2))])

    def click(index_zyx, label):
        return Seed(tuple(geometry.index_to_patient_mm(index_zyx)), label)

    manager = PluginManager()
    manager.discover()
    case = Case(volume)
    dice_by_step = {}

    def step(segmenter_id, seeds):
        result = manager.run_segmenter(PLUGIN, segmenter_id, SegmentationRequest(volume, seeds, labels=case.labels))
        apply_step(case, manager.edit_for(case, PLUGIN, segmenter_id, result))
        return result

    liver = step("liver", (click(deepest_point(expert == 1, spacing), 1),)).labels.array == 1
    dice_by_step["liver (vs expert parenchyma + tumour)"] = dice(liver, np.isin(expert, (1, 2)))
    dice_by_step["liver (vs expert parenchyma)"] = dice(liver, expert == 1)
    centroid = tuple(int(round(v)) for v in ndi.center_of_mass(largest))
    step("metastasis", (click(centroid, 2),))
    dice_by_step["largest metastasis"] = dice(case.labels.array == 2, largest)
    dice_by_step["liver + lesion envelope"] = dice(case.labels.array > 0, np.isin(expert, (1, 2)))
    vessel_seeds = tuple(click(deepest_point((expert == v) & in_liver, spacing), v) for v in (3, 4))
    step("vessels", vessel_seeds)
    dice_by_step["portal vein (in liver)"] = dice(case.labels.array == 3, (expert == 3) & in_liver)
    dice_by_step["hepatic veins (in liver)"] = dice(case.labels.array == 4, (expert == 4) & in_liver)
    print("\nIRCAD 1 Dice: " + ", ".join(f"{k} {v:.3f}" for k, v in dice_by_step.items()))
    return dice_by_step, manager


def test_liver_dice(workflow):
    dices, manager = workflow
    assert dices["liver (vs expert parenchyma + tumour)"] >= 0.89  # reaches 0.901
    assert manager.records[PLUGIN].state == "enabled"


def test_largest_metastasis_dice(workflow):
    assert workflow[0]["largest metastasis"] >= 0.75  # reaches 0.768


def test_vessel_dice(workflow):
    dices = workflow[0]
    assert dices["portal vein (in liver)"] >= 0.27  # reaches 0.298
    assert dices["hepatic veins (in liver)"] >= 0.22  # reaches 0.245
