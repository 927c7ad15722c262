"""Follow-up scans in a case bundle: ``followups/<n>/`` with the image, its labels and ``followup.json``.

``followup.json`` holds the name, the study date, where the scan was opened from and the registration
(``Registration.to_json()``: the stage kept, the liver Dice and surface distance, and the transform as a
:class:`~cned_viewer.followup.PhysicalMap`), so a bundle reopens without registering again. See
docs/case-bundle.md. A damaged entry is left out with a one-line warning; the case still opens.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cned_viewer.core.labels import LabelMap
from cned_viewer.core.volume import Volume
from cned_viewer.errors import UserError
from cned_viewer.followup.transform import PhysicalMap
from cned_viewer.io.atomic import atomic_write_text
from cned_viewer.io.images import load_image
from cned_viewer.io.masks import load_labels, save_labels
from cned_viewer.io.sitk_bridge import write_image

FOLLOWUPS_FOLDER = "followups"
FOLLOWUP_JSON, FOLLOWUP_IMAGE, FOLLOWUP_LABELS = "followup.json", "image.nii.gz", "labels.nii.gz"
SCHEMA_VERSION = 1


@dataclass(frozen=True, eq=False)
class SavedFollowUp:
    """A follow-up as a bundle holds it: ``registration`` is ``Registration.to_json()`` (None without labels)."""

    name: str
    study_date: str | None
    source: str | None
    image: Volume
    labels: LabelMap | None
    registration: dict[str, Any] | None
    image_file: str | None = None  # where the image was read from (a save over the same file skips it)
    label_map: str | None = None  # how the labels file was read (``load_labels``' mapping)

    @property
    def transform(self) -> PhysicalMap | None:
        return None if self.registration is None else transform_from_json(self.registration["transform"])


def transform_from_json(data: dict[str, Any]) -> PhysicalMap:
    """The :class:`PhysicalMap` of ``PhysicalMap.to_json()`` (ValueError when it is not one)."""
    if data.get("direction") != "followup_to_baseline":
        raise ValueError(f"unknown transform direction {data.get('direction')!r}")
    matrix, offset = np.asarray(data["matrix"], np.float64), np.asarray(data["offset_mm"], np.float64)
    if matrix.shape != (3, 3) or offset.shape != (3,) or not np.isfinite(matrix).all() or abs(np.linalg.det(matrix)) < 1e-9:
        raise ValueError("the transform is not an invertible 3x3 matrix and 3-vector")
    return PhysicalMap(matrix, offset)


def write_followups(folder: Path, followups: Sequence[SavedFollowUp]) -> list[str]:
    """Write each follow-up under ``followups/<n>/`` (n from 1, in order); the manifest's list of their folders.

    Numbered folders left by an older save with more follow-ups are removed after the manifest is written
    (:func:`prune_followups`)."""
    listed = []
    for n, item in enumerate(followups, start=1):
        relative = f"{FOLLOWUPS_FOLDER}/{n}"
        target = folder / relative
        target.mkdir(parents=True, exist_ok=True)
        image_path = target / FOLLOWUP_IMAGE
        if not (item.image_file and image_path.is_file() and Path(item.image_file).resolve() == image_path.resolve()):
            write_image(item.image.array, item.image.geometry, image_path)
        if item.labels is not None:
            save_labels(item.labels, target / FOLLOWUP_LABELS)
        entry = {"schema_version": SCHEMA_VERSION, "name": item.name, "study_date": item.study_date, "source": item.source,
                 "image": FOLLOWUP_IMAGE, "labels": FOLLOWUP_LABELS if item.labels is not None else None,
                 "registration": item.registration}
        atomic_write_text(target / FOLLOWUP_JSON, json.dumps(entry, indent=1, ensure_ascii=False))
        listed.append(relative)
    return listed


def prune_followups(folder: Path, listed: Sequence[str]) -> None:
    """Remove numbered follow-up folders the manifest no longer lists."""
    root = folder / FOLLOWUPS_FOLDER
    if root.is_dir():
        for child in root.iterdir():
            if child.is_dir() and child.name.isdigit() and f"{FOLLOWUPS_FOLDER}/{child.name}" not in listed:
                shutil.rmtree(child, ignore_errors=True)


def read_followup(folder: Path, relative: str) -> SavedFollowUp:
    """One follow-up entry; :class:`UserError` in one line when it is damaged."""
    target = folder / relative
    try:
        entry = json.loads((target / FOLLOWUP_JSON).read_text(encoding="utf-8"))
        image_path = target / entry["image"]
        image = load_image(image_path).volume
        labels = load_labels(target / entry["labels"], image.geometry, "app") if entry.get("labels") else None
        registration = entry.get("registration")
        if labels is not None and registration is None:
            raise ValueError("labels without a registration")
        saved = SavedFollowUp(str(entry["name"]), entry.get("study_date"), entry.get("source"), image, labels, registration,
                              str(image_path), "app")
        _ = saved.transform  # checked now: a bad transform is a damaged entry
        return saved
    except (UserError, OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"the follow-up in {relative} is damaged ({str(error).splitlines()[0] if str(error) else type(error).__name__}): "
                        "it was left out; open that scan again as a follow-up and save") from None


def read_followups(folder: Path, manifest: dict[str, Any]) -> tuple[list[SavedFollowUp], list[str]]:
    """The follow-ups a manifest lists (older bundles: none) and a warning per damaged entry."""
    found, warnings = [], []
    for relative in manifest.get("followups") or []:
        try:
            found.append(read_followup(folder, str(relative)))
        except UserError as error:
            warnings.append(str(error))
    return found, warnings
