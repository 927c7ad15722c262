"""Open a case: image, optional labels (mapped and fitted to the image grid), metadata, warnings."""

from __future__ import annotations

import os

from cned_viewer.core.case import Case
from cned_viewer.io.dicom_series import DicomScan
from cned_viewer.io.images import load_image
from cned_viewer.io.label_mappings import LabelMapping
from cned_viewer.io.masks import load_labels


def load_case(
    image_path: str | os.PathLike | DicomScan,
    labels_path: str | os.PathLike | None = None,
    mapping: str | os.PathLike | LabelMapping | None = None,
    series: str | None = None,
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
    return Case(image=loaded.volume, labels=labels, metadata=metadata, warnings=warnings)
