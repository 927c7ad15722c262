"""A deterministic synthetic CRLM case with exactly known ground truth (no patient data).

Anatomy, in LPS patient coordinates (mm; +x patient's left, +y posterior, +z superior):

* body: an elliptic cylinder of soft tissue in fat, a spine and an aorta behind;
* liver: an ellipsoid cut by one oblique plane (a thinner left-inferior lobe); its volume
  is analytic (the cut maps to a spherical cap under the ellipsoid's affine map);
* metastases: spheres inside the liver, hypodense with an enhancing rim; one touches the
  right portal branch, one the left hepatic vein (each overlaps the vessel by 1 mm,
  vessels win, so they share a face: contact without parenchyma between);
* portal vein and hepatic veins/IVC: unions of capsules (segments with a radius),
  contrast-filled.

Label priority as in IRCAD: vessels > tumour > liver parenchyma.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import HEPATIC_VEINS, LABEL_DTYPE, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR, LabelMap
from cned_viewer.core.volume import Volume

SPACING_XYZ_MM = (0.8, 0.8, 2.0)
SIZE_XYZ = (400, 320, 120)
LIVER_CENTRE_MM = np.array([-40.0, -5.0, 20.0])
LIVER_SEMI_AXES_MM = np.array([95.0, 72.0, 68.0])
#: Unit normal and offset (mm from the liver centre) of the plane that cuts the left-inferior lobe.
CUT_NORMAL = np.array([0.55, 0.0, -1.0]) / math.hypot(0.55, 1.0)
CUT_OFFSET_MM = 30.0
SEED = 20220601
NOISE_HU = 8.0


@dataclass(frozen=True)
class Capsule:
    """A vessel piece: the points within ``radius_mm`` of the segment ``start``-``end``."""

    start_mm: tuple[float, float, float]
    end_mm: tuple[float, float, float]
    radius_mm: float


_PORTAL_HILUM = (-30.0, 22.0, 2.0)
_PORTAL_RIGHT = (-68.0, 18.0, 6.0)
_PORTAL_LEFT = (0.0, 6.0, 12.0)
PORTAL_VEIN_TREE = (
    Capsule((-8.0, 48.0, -70.0), _PORTAL_HILUM, 7.0),  # extrahepatic trunk
    Capsule(_PORTAL_HILUM, _PORTAL_RIGHT, 5.5),
    Capsule(_PORTAL_RIGHT, (-92.0, 10.0, 28.0), 3.5),
    Capsule(_PORTAL_RIGHT, (-88.0, 30.0, -14.0), 3.5),
    Capsule(_PORTAL_HILUM, _PORTAL_LEFT, 4.5),
    Capsule(_PORTAL_LEFT, (20.0, -12.0, 22.0), 3.0),
)
_HEPATIC_CONFLUENCE = (-16.0, 44.0, 72.0)
HEPATIC_VEIN_TREE = (
    Capsule((-16.0, 52.0, -110.0), (-16.0, 52.0, 130.0), 10.0),  # inferior vena cava
    Capsule(_HEPATIC_CONFLUENCE, (-80.0, 22.0, 56.0), 4.5),  # right hepatic vein
    Capsule(_HEPATIC_CONFLUENCE, (-44.0, -14.0, 42.0), 4.0),  # middle hepatic vein
    Capsule(_HEPATIC_CONFLUENCE, (6.0, -6.0, 56.0), 3.5),  # left hepatic vein
)


@dataclass(frozen=True)
class Lesion:
    """A spherical metastasis and the vessel it was placed against (if any)."""

    centre_mm: tuple[float, float, float]
    radius_mm: float
    touches: str | None = None  # "portal_vein" or "hepatic_veins"

    @property
    def volume_ml(self) -> float:
        return 4.0 / 3.0 * math.pi * self.radius_mm**3 / 1000.0


def _against(capsule: Capsule, fraction: float, side: tuple[float, float, float], radius_mm: float, overlap_mm: float = 1.0) -> tuple[float, float, float]:
    """Centre of a sphere of ``radius_mm`` overlapping ``capsule`` by ``overlap_mm`` at ``fraction`` along it."""
    start, end = np.asarray(capsule.start_mm), np.asarray(capsule.end_mm)
    axis = (end - start) / np.linalg.norm(end - start)
    away = np.asarray(side, dtype=float)
    away = away - (away @ axis) * axis
    away /= np.linalg.norm(away)
    point = start + fraction * (end - start)
    return tuple(point + away * (capsule.radius_mm + radius_mm - overlap_mm))


LESIONS = (
    Lesion((-74.0, -25.0, 7.0), 30.0),
    Lesion((-12.0, -34.0, 38.0), 30.0),
    Lesion(_against(PORTAL_VEIN_TREE[1], 0.6, (1.0, 1.3, 1.3), 24.0), 24.0, touches="portal_vein"),
    Lesion(_against(HEPATIC_VEIN_TREE[3], 0.59, (-0.1, 0.6, -1.8), 20.0), 20.0, touches="hepatic_veins"),
    Lesion((-61.0, -5.0, 60.0), 18.0),
    Lesion((-108.0, -8.0, 40.0), 14.0),
    Lesion((-78.0, -45.0, 49.0), 10.0),
    Lesion((-34.0, -7.0, 5.0), 8.0),
    Lesion((-100.0, -22.0, 60.0), 6.0),
    Lesion((-55.0, -66.0, 11.0), 5.0),
    Lesion((-79.0, 8.0, 33.0), 4.0),
)


def liver_envelope_volume_ml() -> float:
    """Analytic volume of the cut ellipsoid (the whole-organ envelope)."""
    a, b, c = LIVER_SEMI_AXES_MM
    # Under q = (p - centre) / axes the ellipsoid is the unit ball and the plane n.p = d
    # lies at distance d / |n * axes| from its centre; the cut removes a spherical cap.
    distance = CUT_OFFSET_MM / float(np.linalg.norm(CUT_NORMAL * LIVER_SEMI_AXES_MM))
    cap_height = 1.0 - distance
    cap = math.pi * cap_height**2 * (3.0 - cap_height) / 3.0
    return a * b * c * (4.0 / 3.0 * math.pi - cap) / 1000.0


@dataclass(frozen=True)
class DemoTruth:
    """What the generator knows exactly: analytic volumes and the lesion list."""

    liver_envelope_ml: float
    lesions: tuple[Lesion, ...]
    geometry: Geometry

    @property
    def ttv_ml(self) -> float:
        return sum(lesion.volume_ml for lesion in self.lesions)

    @property
    def tlvr(self) -> float:
        return self.ttv_ml / self.liver_envelope_ml


def demo_geometry() -> Geometry:
    """The demo grid, centred on the patient-space origin."""
    origin = tuple(-(n - 1) * s / 2.0 for n, s in zip(SIZE_XYZ, SPACING_XYZ_MM))
    return Geometry(SIZE_XYZ, SPACING_XYZ_MM, origin)


def _axes_mm(geometry: Geometry) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Patient coordinates along z, y, x (identity direction), shaped to broadcast."""
    nz, ny, nx = geometry.shape_zyx
    ox, oy, oz = geometry.origin_xyz_mm
    sx, sy, sz = geometry.spacing_xyz_mm
    z = (oz + sz * np.arange(nz, dtype=np.float32)).reshape(-1, 1, 1)
    y = (oy + sy * np.arange(ny, dtype=np.float32)).reshape(1, -1, 1)
    x = (ox + sx * np.arange(nx, dtype=np.float32)).reshape(1, 1, -1)
    return z, y, x


def _box(geometry: Geometry, low_mm: np.ndarray, high_mm: np.ndarray) -> tuple[slice, slice, slice]:
    """Index slices (z, y, x) of the voxels whose centres may lie in a patient-space box."""
    lo = np.floor(geometry.patient_to_index(low_mm)).astype(int)
    hi = np.ceil(geometry.patient_to_index(high_mm)).astype(int) + 1
    shape = geometry.shape_zyx
    return tuple(slice(max(0, min(a, b)), min(n, max(a, b))) for a, b, n in zip(lo, hi, shape))


def _paint_capsule(target: np.ndarray, geometry: Geometry, capsule: Capsule, value: int) -> None:
    start, end = np.asarray(capsule.start_mm), np.asarray(capsule.end_mm)
    r = capsule.radius_mm
    box = _box(geometry, np.minimum(start, end) - r, np.maximum(start, end) + r)
    z, y, x = _axes_mm(geometry)
    z, y, x = z[box[0]], y[:, box[1]], x[:, :, box[2]]
    axis = end - start
    t = ((x - start[0]) * axis[0] + (y - start[1]) * axis[1] + (z - start[2]) * axis[2]) / float(axis @ axis)
    t = np.clip(t, 0.0, 1.0)
    d2 = (x - start[0] - t * axis[0]) ** 2 + (y - start[1] - t * axis[1]) ** 2 + (z - start[2] - t * axis[2]) ** 2
    target[box][d2 <= r * r] = value


def _sphere_distance(geometry: Geometry, lesion: Lesion) -> tuple[tuple[slice, slice, slice], np.ndarray]:
    centre = np.asarray(lesion.centre_mm)
    box = _box(geometry, centre - lesion.radius_mm, centre + lesion.radius_mm)
    z, y, x = _axes_mm(geometry)
    z, y, x = z[box[0]], y[:, box[1]], x[:, :, box[2]]
    return box, np.sqrt((x - centre[0]) ** 2 + (y - centre[1]) ** 2 + (z - centre[2]) ** 2)


def liver_envelope_mask(geometry: Geometry) -> np.ndarray:
    """Voxels whose centres lie inside the cut ellipsoid."""
    z, y, x = _axes_mm(geometry)
    cz, cy, cx = LIVER_CENTRE_MM[::-1]
    az, ay, ax = LIVER_SEMI_AXES_MM[::-1]
    inside = ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 + ((z - cz) / az) ** 2 <= 1.0
    nx, ny, nz = CUT_NORMAL
    return inside & ((x - cx) * nx + (y - cy) * ny + (z - cz) * nz <= CUT_OFFSET_MM)


def make_demo_labels(geometry: Geometry | None = None) -> LabelMap:
    """The demo label map: liver envelope, metastases, then vessels on top."""
    geometry = geometry or demo_geometry()
    labels = liver_envelope_mask(geometry).astype(LABEL_DTYPE) * LIVER_PARENCHYMA
    for lesion in LESIONS:
        box, distance = _sphere_distance(geometry, lesion)
        labels[box][distance <= lesion.radius_mm] = TUMOUR
    for tree, value in ((PORTAL_VEIN_TREE, PORTAL_VEIN), (HEPATIC_VEIN_TREE, HEPATIC_VEINS)):
        for capsule in tree:
            _paint_capsule(labels, geometry, capsule, value)
    return LabelMap(labels, geometry, source="synthetic demo phantom")


def make_demo_image(labels: LabelMap) -> Volume:
    """CT-like intensities (HU) for the demo labels, with seeded noise."""
    geometry = labels.geometry
    z, y, x = _axes_mm(geometry)
    body = (x / 150.0) ** 2 + ((y - 5.0) / 112.0) ** 2
    hu = np.where(body <= 1.0, np.float32(-90.0), np.float32(-1000.0))  # fat inside the body
    hu = np.where(((x / 138.0) ** 2 + ((y - 5.0) / 100.0) ** 2 <= 1.0), np.float32(45.0), hu)  # soft tissue
    hu = np.where((x / 16.0) ** 2 + ((y - 88.0) / 16.0) ** 2 <= 1.0, np.float32(700.0), hu)  # vertebral bodies
    hu = np.where(((x - 22.0) / 11.0) ** 2 + ((y - 62.0) / 11.0) ** 2 <= 1.0, np.float32(170.0), hu)  # aorta
    hu = np.broadcast_to(hu, geometry.shape_zyx).copy()
    array = labels.array
    hu[array == LIVER_PARENCHYMA] = 60.0
    hu[(array == PORTAL_VEIN) | (array == HEPATIC_VEINS)] = 175.0
    for lesion in LESIONS:
        box, distance = _sphere_distance(geometry, lesion)
        tumour = array[box] == TUMOUR
        rim = np.clip((distance - (lesion.radius_mm - 3.0)) / 3.0, 0.0, 1.0)  # enhancing outer 3 mm
        hu[box][tumour] = (32.0 + 60.0 * rim)[tumour]
    rng = np.random.default_rng(SEED)
    hu += rng.standard_normal(hu.shape, dtype=np.float32) * np.float32(NOISE_HU)
    return Volume(np.round(hu).astype(np.int16), geometry)


def demo_truth() -> DemoTruth:
    return DemoTruth(liver_envelope_volume_ml(), LESIONS, demo_geometry())


def make_demo_case() -> Case:
    """The built-in demo case (deterministic; about a second to build)."""
    labels = make_demo_labels()
    image = make_demo_image(labels)
    metadata = {
        "PatientName": "DEMO^SYNTHETIC",
        "PatientID": "CNED-DEMO-0001",
        "StudyDescription": "Synthetic CRLM phantom (portal-venous CT)",
        "Modality": "CT",
        "source": "synthetic demo phantom",
    }
    return Case(image=image, labels=labels, metadata=metadata)
