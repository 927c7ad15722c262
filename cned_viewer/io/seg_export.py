"""Export a label map as a DICOM Segmentation (highdicom) referencing its source CT series.

One segment per label present, numbered 1..n in label-value order, named after the label
table (so :func:`cned_viewer.io.masks.load_labels` maps them back by name) and coded with
SNOMED CT: liver, neoplasm (a morphologically abnormal structure in the liver), portal vein,
hepatic vein (its description and anatomic structures say it includes the inferior vena cava).
The algorithm type follows the case's edit log (:func:`algorithm_type`). The label map must
lie on the series' grid: each frame is matched to the source slice at the same patient
position. The file is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import highdicom as hd
import numpy as np
import pydicom
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

import cned_viewer
from cned_viewer.core.labels import LabelMap
from cned_viewer.core.provenance import Provenance
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write
from cned_viewer.io.dicom_source import read_source_series

#: Label key -> (segmented property category, type, anatomic region or None).
SEGMENT_CODES = {
    "liver_parenchyma": (codes.SCT.AnatomicalStructure, codes.SCT.Liver, None),
    "tumour": (codes.SCT.MorphologicallyAbnormalStructure, codes.SCT.Neoplasm, codes.SCT.Liver),
    "portal_vein": (codes.SCT.AnatomicalStructure, codes.SCT.PortalVein, None),
    "hepatic_veins": (codes.SCT.AnatomicalStructure, codes.SCT.HepaticVein, None),
}
#: Label key -> free-text Segment Description and primary anatomic structures.
SEGMENT_NOTES = {
    "liver_parenchyma": ("Liver parenchyma (without tumour and vessels)", ()),
    "tumour": ("Liver metastases (all lesions)", ()),
    "portal_vein": ("Portal vein", ()),
    "hepatic_veins": ("Hepatic veins including the inferior vena cava (IVC)", (codes.SCT.HepaticVein, codes.SCT.InferiorVenaCava)),
}
_OTHER = (codes.SCT.Tissue, codes.SCT.Tissue, None)
#: How far (in voxels) a slice position may sit from the label grid's voxel centres.
POSITION_TOLERANCE_VOXELS = 0.01
#: The Provenance source of hand edits (brush, erase, fill) in :mod:`cned_viewer.editing`.
MANUAL_SOURCE = "cned-viewer editor"
MANUAL, SEMIAUTOMATIC, AUTOMATIC = (hd.seg.SegmentAlgorithmTypeValues.MANUAL, hd.seg.SegmentAlgorithmTypeValues.SEMIAUTOMATIC,
                                    hd.seg.SegmentAlgorithmTypeValues.AUTOMATIC)


@dataclass
class BuiltSeg:
    """A DICOM-SEG in memory: the object, the segment number of each label key, what the user must know."""

    seg: hd.seg.Segmentation
    segment_numbers: dict[str, int]
    source: list[pydicom.Dataset]
    warnings: list[str] = field(default_factory=list)

    def save(self, path: str | os.PathLike) -> Path:
        """Write atomically (no partial file on failure); the path."""
        return atomic_write(path, lambda tmp: self.seg.save_as(tmp))


def algorithm_type(provenance: Sequence[Provenance]) -> hd.seg.SegmentAlgorithmTypeValues:
    """MANUAL after any hand edit; AUTOMATIC when every step is a plugin run that says so (parameter
    ``"automatic": true``, e.g. TotalSegmentator); else SEMIAUTOMATIC (labels loaded, seeded plugin runs)."""
    if any(step.source == MANUAL_SOURCE for step in provenance):
        return MANUAL
    if provenance and all(step.parameters.get("automatic") is True for step in provenance):
        return AUTOMATIC
    return SEMIAUTOMATIC


def source_datasets(folder: str | os.PathLike, series_uid: str | None = None) -> list[pydicom.Dataset]:
    """The full datasets of one CT/MR series of ``folder`` (by UID, else the default series), completed."""
    return read_source_series(folder, series_uid).datasets


def build_dicom_seg(
    labels: LabelMap,
    source: str | os.PathLike | Sequence[pydicom.Dataset],
    series_uid: str | None = None,
    algorithm: hd.seg.SegmentAlgorithmTypeValues | str = SEMIAUTOMATIC,
    creator: str | None = None,
    series_description: str = "CNED Viewer labels",
    series_number: int = 900,
) -> BuiltSeg:
    """The DICOM-SEG of ``labels`` referencing ``source`` (a DICOM folder or its datasets), not yet written."""
    series = read_source_series(source, series_uid)
    frames = _frames_for(labels, series.datasets)
    present = labels.present_values()
    if not present:
        raise UserError("the label map is empty: there is no segment to export")
    lut = np.zeros(256, np.uint8)
    lut[present] = np.arange(1, len(present) + 1)
    algorithm = hd.seg.SegmentAlgorithmTypeValues(algorithm)
    descriptions = [_description(labels, value, number, algorithm) for number, value in enumerate(present, start=1)]
    seg = hd.seg.Segmentation(
        source_images=series.datasets,
        pixel_array=lut[frames],
        segmentation_type=hd.seg.SegmentationTypeValues.BINARY,
        segment_descriptions=descriptions,
        series_instance_uid=generate_uid(),
        series_number=series_number,
        sop_instance_uid=generate_uid(),
        instance_number=1,
        manufacturer="CNED Viewer",
        manufacturer_model_name="cned-viewer",
        software_versions=cned_viewer.__version__,
        device_serial_number="none",
        content_description=series_description[:64],
        content_creator_name=creator or None,
        series_description=series_description,
    )
    numbers = {_key(labels, value): number for number, value in enumerate(present, start=1)}
    return BuiltSeg(seg, numbers, series.datasets, series.warnings)


def export_dicom_seg(
    labels: LabelMap,
    source: str | os.PathLike | Sequence[pydicom.Dataset],
    path: str | os.PathLike,
    series_uid: str | None = None,
    series_description: str = "CNED Viewer labels",
    series_number: int = 900,
    manual: bool | None = None,
    provenance: Sequence[Provenance] = (),
    creator: str | None = None,
) -> Path:
    """Write ``labels`` as a DICOM-SEG referencing ``source`` (a DICOM folder or its datasets); the path.

    ``series_uid`` picks the series in a folder. The algorithm type is MANUAL if ``manual``,
    SEMIAUTOMATIC if ``manual`` is False, else :func:`algorithm_type` of the case's ``provenance``.
    ``creator`` is the ContentCreatorName (default: the user setting).
    """
    from cned_viewer.io.user_settings import content_creator_name

    algorithm = algorithm_type(provenance) if manual is None else (MANUAL if manual else SEMIAUTOMATIC)
    built = build_dicom_seg(labels, source, series_uid, algorithm, creator or content_creator_name(), series_description, series_number)
    return built.save(path)


def _frames_for(labels: LabelMap, datasets: Sequence[pydicom.Dataset]) -> np.ndarray:
    """The label slice of each source dataset, in the datasets' order."""
    geometry = labels.geometry
    nz, ny, nx = geometry.shape_zyx
    indices = []
    for ds in datasets:
        if (int(ds.Rows), int(ds.Columns)) != (ny, nx) or "ImagePositionPatient" not in ds:
            raise UserError(f"the labels ({nx} x {ny} per slice) are not on the grid of the chosen series; export against the series they were drawn on")
        z, y, x = geometry.patient_to_index([float(v) for v in ds.ImagePositionPatient])
        k = int(round(z))
        if max(abs(y), abs(x), abs(z - k)) > POSITION_TOLERANCE_VOXELS or not 0 <= k < nz:
            raise UserError("a slice of the chosen series does not fall on the labels' grid; export against the series they were drawn on")
        indices.append(k)
    return labels.array[np.asarray(indices)]


def _key(labels: LabelMap, value: int) -> str:
    return labels.table.by_value(value).key if value in labels.table.values else f"value_{value}"


def _description(labels: LabelMap, value: int, number: int, algorithm: hd.seg.SegmentAlgorithmTypeValues) -> hd.seg.SegmentDescription:
    label = labels.table.by_value(value) if value in labels.table.values else None
    key = label.key if label else ""
    category, kind, region = SEGMENT_CODES.get(key, _OTHER)
    text, structures = SEGMENT_NOTES.get(key, (None, ()))
    identification = None
    if algorithm != MANUAL:
        identification = hd.AlgorithmIdentificationSequence(
            name="CNED Viewer", version=cned_viewer.__version__, family=codes.cid7162.MorphologicalOperations,
        )
    description = hd.seg.SegmentDescription(
        segment_number=number,
        segment_label=label.name if label else f"Label {value}",
        segmented_property_category=category,
        segmented_property_type=kind,
        algorithm_type=algorithm,
        algorithm_identification=identification,
        tracking_uid=None,
        anatomic_regions=[region] if region is not None else None,
        primary_anatomic_structures=list(structures) or None,
        display_color=hd.color.CIELabColor.from_rgb(*label.colour_rgb) if label else None,
    )
    if text:
        description.SegmentDescription = text
    return description
