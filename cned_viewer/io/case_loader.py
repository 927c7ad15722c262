"""Open a case: image, optional labels (mapped and fitted to the image grid), metadata, warnings."""

from __future__ import annotations

import os
from dataclasses import replace

from cned_viewer.core.case import Case
from cned_viewer.core.dicom_clinical import with_dicom_prefill
from cned_viewer.io.dicom_series import DicomScan
from cned_viewer.io.images import load_image
from cned_viewer.io.label_mappings import LabelMapping
from cned_viewer.io.masks import load_labels, load_segments


def load_case(
    image_path: str | os.PathLike | DicomScan,
    labels_path: str | os.PathLike | None = None,
    mapping: str | os.PathLike | LabelMapping | None = None,
    series: str | None = None,
    segments_path: str | os.PathLike | None = None,
) -> Case:
    """A :class:`Case` from files; every notice the loaders raised is in ``case.warnings``."""
    loaded = load_image(image_path, series)
    warnings = list(loaded.warnings)
    labels = None
    if labels_path is not None:
        labels = load_labels(labels_path, loaded.volume.geometry, mapping)
        warnings.extend(labels.notices)
    metadata = dict(loaded.metadata)
    metadata["source"] = str(loaded.source)
    if labels is not None:
        metadata["labels_source"] = str(labels_path)
    case = with_dicom_prefill(Case(image=loaded.volume, labels=labels, metadata=metadata, warnings=warnings))  # sex, age from DICOM
    return case if segments_path is None else with_segments(case, segments_path)


def with_labels(case: Case, path: str | os.PathLike, mapping: str | os.PathLike | LabelMapping | None = None) -> Case:
    """A copy of ``case`` with the labels of ``path`` (mapped, on the image grid) in place of its own."""
    labels = load_labels(path, case.image.geometry, mapping)
    return Case(case.image, labels, case.segments, case.clinical, dict(case.metadata, labels_source=str(path)), case.warnings + labels.notices)


def with_segments(case: Case, path: str | os.PathLike) -> Case:
    """A copy of ``case`` with the Couinaud segment map of ``path`` (on the image grid) in place of its own."""
    segments = load_segments(path, case.image.geometry)
    notices = list(segments.notices)
    if case.segments is not None:
        notices.append(f"the segment map from {os.fspath(path)} replaces the case's own")
    return replace(case, segments=segments, provenance=list(case.provenance), metadata=dict(case.metadata, segments_source=str(path)), warnings=case.warnings + notices)
