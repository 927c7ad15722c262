"""Export a label map as a DICOM Segmentation (highdicom) referencing its source CT series.

One segment per label present, numbered 1..n in label-value order, named after the label
table (so :func:`cned_viewer.io.masks.load_labels` maps them back by name) and coded with
SNOMED CT: liver, neoplasm (a morphologically abnormal structure in the liver), portal vein,
hepatic vein. The label map must lie on the series' grid: each frame is matched to the
source slice at the same patient position. The file is written atomically.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from pathlib import Path

import highdicom as hd
import numpy as np
import pydicom
from pydicom.sr.codedict import codes
from pydicom.uid import generate_uid

import cned_viewer
from cned_viewer.core.labels import LabelMap
from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write
from cned_viewer.io.dicom_series import scan_dicom_folder

#: Label key -> (segmented property category, type, anatomic region or None).
SEGMENT_CODES = {
    "liver_parenchyma": (codes.SCT.AnatomicalStructure, codes.SCT.Liver, None),
    "tumour": (codes.SCT.MorphologicallyAbnormalStructure, codes.SCT.Neoplasm, codes.SCT.Liver),
    "portal_vein": (codes.SCT.AnatomicalStructure, codes.SCT.PortalVein, None),
    "hepatic_veins": (codes.SCT.AnatomicalStructure, codes.SCT.HepaticVein, None),
}
_OTHER = (codes.SCT.Tissue, codes.SCT.Tissue, None)
#: How far (in voxels) a slice position may sit from the label grid's voxel centres.
POSITION_TOLERANCE_VOXELS = 0.01


def source_datasets(folder: str | os.PathLike, series_uid: str | None = None) -> list[pydicom.Dataset]:
    """The full datasets of one CT/MR series of ``folder`` (by UID, else the default series)."""
    series = scan_dicom_folder(folder).pick(series_uid)
    return [pydicom.dcmread(s.path) for s in series.slices]


def export_dicom_seg(
    labels: LabelMap,
    source: str | os.PathLike | Sequence[pydicom.Dataset],
    path: str | os.PathLike,
    series_uid: str | None = None,
    series_description: str = "CNED Viewer labels",
    series_number: int = 900,
    manual: bool = True,
) -> Path:
    """Write ``labels`` as a DICOM-SEG referencing ``source`` (a DICOM folder or its datasets); the path.

    ``series_uid`` picks the series in a folder; ``manual`` says the segments were drawn or corrected
    by hand (else semi-automatic, the CNED Viewer being the algorithm).
    """
    datasets = source_datasets(source, series_uid) if isinstance(source, (str, os.PathLike)) else list(source)
    datasets = [_complete(ds) for ds in datasets]
    if not datasets:
        raise UserError("no source images to reference; choose the CT series the labels were drawn on")
    frames = _frames_for(labels, datasets)
    present = labels.present_values()
    if not present:
        raise UserError("the label map is empty: there is no segment to export")
    lut = np.zeros(256, np.uint8)
    lut[present] = np.arange(1, len(present) + 1)
    descriptions = [_description(labels, value, number, manual) for number, value in enumerate(present, start=1)]
    seg = hd.seg.Segmentation(
        source_images=datasets,
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
        series_description=series_description,
    )
    return atomic_write(path, lambda tmp: seg.save_as(tmp))


#: Type 2 patient/study attributes highdicom copies into the SEG; anonymised files often lack them.
_TYPE2 = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyID", "StudyDate", "StudyTime",
          "ReferringPhysicianName", "AccessionNumber")


def _complete(ds: pydicom.Dataset) -> pydicom.Dataset:
    """``ds``, or a copy with the empty type 2 attributes and a valid character set highdicom needs."""
    missing = [tag for tag in _TYPE2 if tag not in ds]
    bad_charset = "SpecificCharacterSet" in ds and not ds.SpecificCharacterSet
    if not missing and not bad_charset:
        return ds
    ds = copy.deepcopy(ds)
    for tag in missing:
        setattr(ds, tag, "")
    if bad_charset:
        del ds.SpecificCharacterSet
    return ds


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


def _description(labels: LabelMap, value: int, number: int, manual: bool) -> hd.seg.SegmentDescription:
    label = labels.table.by_value(value) if value in labels.table.values else None
    category, kind, region = SEGMENT_CODES.get(label.key if label else "", _OTHER)
    algorithm = None
    if not manual:
        algorithm = hd.AlgorithmIdentificationSequence(
            name="CNED Viewer", version=cned_viewer.__version__, family=codes.cid7162.MorphologicalOperations,
        )
    return hd.seg.SegmentDescription(
        segment_number=number,
        segment_label=label.name if label else f"Label {value}",
        segmented_property_category=category,
        segmented_property_type=kind,
        algorithm_type=hd.seg.SegmentAlgorithmTypeValues.MANUAL if manual else hd.seg.SegmentAlgorithmTypeValues.SEMIAUTOMATIC,
        algorithm_identification=algorithm,
        anatomic_regions=[region] if region is not None else None,
        display_color=hd.color.CIELabColor.from_rgb(*label.colour_rgb) if label else None,
    )
