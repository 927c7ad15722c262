"""A synthetic baseline / follow-up pair with a known rigid motion and known lesion changes (2 mm voxels, 64³).

Shapes are defined in baseline space (mm) and sampled at each scan's voxel centres: the follow-up's centre
``p`` is sampled at ``motion(p)``, the baseline point it shows, so no resampling blurs either scan.
Changes: lesion A shrinks to half its volume, B disappears, C and D merge, E is unchanged, N is new.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cned_viewer.core.geometry import Geometry
from cned_viewer.core.labels import LIVER_PARENCHYMA, TUMOUR, LabelMap
from cned_viewer.core.volume import Volume
from cned_viewer.followup import PhysicalMap

SHAPE, SPACING_MM = (64, 64, 64), 2.0
GEOMETRY = Geometry.for_array(SHAPE, (SPACING_MM,) * 3, (-63.0, -63.0, -63.0))
LIVER = ((0.0, 0.0, 0.0), (44.0, 34.0, 26.0))  # centre and semi-axes (mm)
LOBE = ((-30.0, 18.0, 6.0), (18.0, 16.0, 14.0))  # a bump that breaks the ellipsoid's symmetry
#: Lesion centres (mm) and radii at baseline and follow-up (0: gone).
BASELINE_LESIONS = {"A": ((-18.0, -8.0, 0.0), 8.0), "B": ((20.0, 12.0, -6.0), 6.0), "C": ((14.0, -14.0, 8.0), 4.0),
                    "D": ((24.0, -14.0, 8.0), 4.0), "E": ((0.0, 14.0, 4.0), 7.5)}
FOLLOWUP_LESIONS = {"A": ((-18.0, -8.0, 0.0), 8.0 * 0.5 ** (1 / 3)), "C": ((14.0, -14.0, 8.0), 6.5),
                    "D": ((24.0, -14.0, 8.0), 6.5), "E": ((0.0, 14.0, 4.0), 7.5), "N": ((-4.0, -16.0, -10.0), 5.0)}


def rotation(angles_deg: tuple[float, float, float]) -> np.ndarray:
    ax, ay, az = np.radians(angles_deg)
    rx = np.array([[1, 0, 0], [0, np.cos(ax), -np.sin(ax)], [0, np.sin(ax), np.cos(ax)]])
    ry = np.array([[np.cos(ay), 0, np.sin(ay)], [0, 1, 0], [-np.sin(ay), 0, np.cos(ay)]])
    rz = np.array([[np.cos(az), -np.sin(az), 0], [np.sin(az), np.cos(az), 0], [0, 0, 1]])
    return rz @ ry @ rx


#: The true motion: follow-up point -> the baseline point it shows.
MOTION = PhysicalMap(rotation((4.0, -3.0, 7.0)), np.array([6.0, -4.0, 3.0]))


def _inside(points: np.ndarray, centre_axes: tuple) -> np.ndarray:
    centre, axes = centre_axes
    return (((points - np.asarray(centre)) / np.asarray(axes)) ** 2).sum(axis=-1) <= 1.0


def scan(lesions: dict, motion: PhysicalMap | None) -> tuple[Volume, LabelMap]:
    index = np.stack(np.meshgrid(*(np.arange(n) for n in SHAPE), indexing="ij"), axis=-1).reshape(-1, 3)
    points = GEOMETRY.index_to_patient_mm(index)
    if motion is not None:
        points = motion.followup_to_baseline(points)
    labels = np.zeros(len(points), np.uint8)
    ct = np.full(len(points), -900.0, np.float32)
    ct[_inside(points, ((0.0, 0.0, 0.0), (60.0, 50.0, 1e6)))] = 10.0  # body
    ct[_inside(points, ((0.0, 40.0, 0.0), (8.0, 8.0, 1e6)))] = 400.0  # spine
    liver = _inside(points, LIVER) | _inside(points, LOBE)
    labels[liver], ct[liver] = LIVER_PARENCHYMA, 90.0
    for centre, radius in lesions.values():
        tumour = _inside(points, (centre, (radius,) * 3))
        labels[tumour], ct[tumour] = TUMOUR, 30.0
    return Volume(ct.reshape(SHAPE), GEOMETRY), LabelMap(labels.reshape(SHAPE), GEOMETRY)


@dataclass(frozen=True)
class Pair:
    baseline_image: Volume
    baseline_labels: LabelMap
    followup_image: Volume
    followup_labels: LabelMap


def synthetic_pair() -> Pair:
    """The pair of the module doc: baseline unmoved, follow-up moved by :data:`MOTION`."""
    return Pair(*scan(BASELINE_LESIONS, None), *scan(FOLLOWUP_LESIONS, MOTION))
