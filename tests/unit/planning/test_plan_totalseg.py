"""TotalSegmentator's liver_segments output (one liver_segment_N.nii.gz per class, on its own coarser grid) read by
the cned-totalseg-bridge plugin onto the image by physical geometry as Couinaud I-VIII, and planned on."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
import SimpleITK as sitk
from plan_phantoms import LIVER, OCTANT_SHAPE, SPLIT_ZYX, octant_case, octant_segments

from cned_viewer.cli import main
from cned_viewer.planning import PlanEvaluator, ResectionPlan

bridge = pytest.importorskip("cned_totalseg_bridge")


def coarse_segments() -> np.ndarray:
    """Segments on a grid of twice the spacing whose voxel k covers fine voxels 2k+1 and 2k+2 (the odd splits fall
    between coarse voxels): the segment of both, where either lies in the liver box."""
    size = [(n - 2) // 2 + 1 for n in OCTANT_SHAPE]
    fine = [2 * np.arange(n) + 2 for n in size]
    z, y, x = np.meshgrid(*fine, indexing="ij")
    segments = 1 + (z >= SPLIT_ZYX[0]) + 2 * (y >= SPLIT_ZYX[1]) + 4 * (x >= SPLIT_ZYX[2])
    inside = np.ones(z.shape, bool)
    for axis, grid in zip(LIVER, (z, y, x)):
        inside &= (grid >= axis.start) & (grid - 1 < axis.stop)  # voxel 2k+1 or 2k+2 in the liver
    return np.where(inside, segments, 0).astype(np.uint8)


@pytest.fixture(scope="module")
def output_folder(tmp_path_factory):
    """The folder TotalSegmentator writes for ``--task liver_segments`` (no --ml): liver_segment_1 ... _8.nii.gz."""
    case = octant_case()
    geometry = case.image.geometry
    folder = tmp_path_factory.mktemp("totalseg") / "liver_segments"
    folder.mkdir()
    coarse = coarse_segments()
    for segment in range(1, 9):
        image = sitk.GetImageFromArray((coarse == segment).astype(np.uint8))
        image.SetSpacing(tuple(2 * s for s in geometry.spacing_xyz_mm))
        image.SetOrigin(tuple(o + 1.5 * s for o, s in zip(geometry.origin_xyz_mm, geometry.spacing_xyz_mm)))
        sitk.WriteImage(image, str(folder / f"liver_segment_{segment}.nii.gz"))
    return case, folder


def test_files_map_to_couinaud_segments_by_geometry(output_folder):
    case, folder = output_folder
    importer = next(i for i in bridge.make_plugin().importers if i.id == "totalseg-folder")
    assert importer.can_import(folder)
    imported = importer.load(folder, case.image.geometry)
    assert imported.labels is None and any("resampled" in n for n in imported.notices)
    segments = imported.segments
    assert segments.geometry is case.image.geometry and segments.present_values() == list(range(1, 9))
    assert [segments.table.by_value(v).name for v in (1, 4, 8)] == ["Segment I", "Segment IV", "Segment VIII"]
    liver = np.zeros(OCTANT_SHAPE, bool)
    liver[LIVER] = True
    assert np.array_equal(segments.array[liver], octant_segments()[liver])  # the same segment under every liver voxel
    plan = ResectionPlan("right", frozenset({5, 6, 7, 8}))
    mapped = PlanEvaluator.for_case(replace(case, segments=segments)).evaluate(plan)
    assert mapped == PlanEvaluator.for_case(case).evaluate(plan)


def test_plan_command_reads_the_folder_through_the_plugin(output_folder, tmp_path, capsys):
    case, folder = output_folder
    paths = {}
    for name, array in (("ct", case.image.array), ("labels", case.labels.array), ("segments", case.segments.array)):
        image = sitk.GetImageFromArray(array)
        image.SetSpacing(case.image.geometry.spacing_xyz_mm)
        image.SetOrigin(case.image.geometry.origin_xyz_mm)
        paths[name] = str(tmp_path / f"{name}.nii.gz")
        sitk.WriteImage(image, paths[name])
    outputs = []
    for segments in (str(folder), paths["segments"]):
        assert main(["plan", paths["ct"], "--labels", paths["labels"], "--segments", segments, "--resect", "5,6,7,8", "--json"]) == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert {k: v for k, v in outputs[0].items() if k != "warnings"} == {k: v for k, v in outputs[1].items() if k != "warnings"}
    assert any("resampled" in w for w in outputs[0]["warnings"])
