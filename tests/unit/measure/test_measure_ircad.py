"""measure() on the IRCAD expert labels against SimpleITK / scipy computed here."""

from __future__ import annotations

import numpy as np
import pytest
import SimpleITK as sitk
from scipy import ndimage
from scipy.spatial import cKDTree

from cned_viewer.core import Geometry, LabelMap
from cned_viewer.measure import MeasureOptions, measure

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def ircad(shared_data):
    image = sitk.ReadImage(str(shared_data / "ircadb01_p1" / "labels.nrrd"))
    array = sitk.GetArrayFromImage(image).astype(np.uint8)
    geometry = Geometry.for_array(array.shape, image.GetSpacing(), image.GetOrigin(), image.GetDirection())
    return image, LabelMap(array, geometry), measure(LabelMap(array, geometry), MeasureOptions(min_lesion_volume_ml=0))


def test_lesion_count_and_ttv(ircad):
    image, labels, m = ircad
    components = sitk.ConnectedComponent(image == 2, True)  # fully connected = 26
    shape = sitk.LabelShapeStatisticsImageFilter()
    shape.ComputeFeretDiameterOn()
    shape.Execute(components)
    assert m.lesion_count == shape.GetNumberOfLabels() == 7  # the dataset documents 7 tumours
    voxel_ml = np.prod(image.GetSpacing()) / 1000
    assert m.ttv_ml == pytest.approx(np.count_nonzero(labels.array == 2) * voxel_ml, rel=1e-12)
    by_volume = sorted(shape.GetLabels(), key=lambda k: -shape.GetNumberOfPixels(k))
    for lesion, k in zip(m.lesions, by_volume):
        assert lesion.volume_ml == pytest.approx(shape.GetNumberOfPixels(k) * voxel_ml, rel=1e-12)
        assert lesion.feret_diameter_mm == pytest.approx(shape.GetFeretDiameter(k), abs=1e-6)
        assert lesion.centroid_mm == pytest.approx(shape.GetCentroid(k), abs=1e-6)


def test_axial_diameters_and_vessel_distances(ircad):
    image, labels, m = ircad
    spacing = np.array(image.GetSpacing()[::-1])
    components, _ = ndimage.label(labels.array == 2, np.ones((3, 3, 3)))
    trees = {v: cKDTree(np.argwhere(labels.array == v) * spacing) for v in (3, 4)}
    by_volume = np.argsort(-np.bincount(components.ravel())[1:], kind="stable") + 1  # ties: raster order
    for lesion, component in zip(m.lesions, by_volume):
        mask = components == component
        assert np.count_nonzero(mask) * np.prod(spacing) / 1000 == pytest.approx(lesion.volume_ml)
        points = np.argwhere(mask)
        axial = 0.0
        for z in np.unique(points[:, 0]):
            plane = points[points[:, 0] == z][:, 1:] * spacing[1:]
            if len(plane) > 1:
                hull = plane if len(plane) < 4 else plane[_hull_vertices(plane)]
                axial = max(axial, float(np.max(np.linalg.norm(hull[:, None] - hull[None], axis=-1))))
        assert lesion.axial_diameter_mm == pytest.approx(axial, abs=1e-6)
        for value, distance in ((3, lesion.portal_vein_distance_mm), (4, lesion.hepatic_vein_distance_mm)):
            expected = float(trees[value].query(points * spacing)[0].min())
            assert distance == pytest.approx(expected, abs=1e-6)


def test_total_liver_holds_parenchyma_tumour_and_some_vessels(ircad):
    _, labels, m = ircad
    voxel_ml = labels.geometry.voxel_volume_ml
    n1, n2 = (np.count_nonzero(labels.array == v) for v in (1, 2))
    n_vessels = np.count_nonzero(np.isin(labels.array, (3, 4)))
    assert (n1 + n2) * voxel_ml < m.total_liver_ml < (n1 + n2 + n_vessels) * voxel_ml
    assert 0 < m.tlvr < m.tlvr_parenchyma and m.tlvr_low < m.tlvr < m.tlvr_high


def _hull_vertices(points: np.ndarray) -> np.ndarray:
    from scipy.spatial import ConvexHull
    from scipy.spatial import QhullError

    try:
        return ConvexHull(points).vertices
    except QhullError:  # collinear points
        return np.arange(len(points))
