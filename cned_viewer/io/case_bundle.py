"""Case bundles: one folder ``NAME.cned/`` holding a case's labels, clinical data and view state.

Layout (see docs/case-bundle.md)::

    NAME.cned/
      manifest.json      format name + version, what the other files are, image reference
      labels.nii.gz      the label map on the image grid (app label values)
      segments.nii.gz    optional Couinaud map
      clinical.json      ClinicalData.to_dict() (overrides included)
      edits.json         the edit log: every manual edit and plugin step since the labels were loaded
      plans.json         optional resection plans (names, segments, planes); plans.npz their painted overrides
      followups/<n>/     optional follow-up scans: image, labels, followup.json (:mod:`cned_viewer.io.followup_bundle`)
      image.nii.gz       only when the image was copied into the bundle

Every file is written atomically (:mod:`cned_viewer.io.atomic`) and the manifest last, so an
interrupted save leaves the previous bundle readable.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


from cned_viewer import __version__
from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import array_digest as labels_digest
from cned_viewer.core.provenance import Provenance
from cned_viewer.editing.log import EditLog
from cned_viewer.errors import UserError
from cned_viewer.io.followup_bundle import SavedFollowUp, prune_followups, read_followups, write_followups
from cned_viewer.io.atomic import atomic_write, atomic_write_text
from cned_viewer.io.images import load_image
from cned_viewer.io.masks import load_labels, load_segments, save_labels
from cned_viewer.io.sitk_bridge import write_image
from cned_viewer.planning.plan import ResectionPlan, plans_from_json, plans_to_json, read_overrides_npz, write_overrides_npz

FORMAT_NAME = "cned-case-bundle"
FORMAT_VERSION = 1
BUNDLE_SUFFIX = ".cned"
MANIFEST = "manifest.json"
LABELS_FILE = "labels.nii.gz"
SEGMENTS_FILE = "segments.nii.gz"
CLINICAL_FILE = "clinical.json"
EDITS_FILE = "edits.json"
IMAGE_FILE = "image.nii.gz"
PLANS_FILE = "plans.json"
PLAN_OVERRIDES_FILE = "plans.npz"

ImageMode = Literal["reference", "copy"]


@dataclass
class Bundle:
    """A case read from a bundle, with the view state saved beside it."""

    case: Case
    view_state: dict[str, Any] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    plans: list[ResectionPlan] = field(default_factory=list)
    followups: list[SavedFollowUp] = field(default_factory=list)
    recist_targets: tuple[int, ...] | None = None

    def case_to_open(self) -> Case:
        """The case with its view state, resection plans and follow-ups in ``metadata`` (the session takes them back)."""
        self.case.metadata.update(view_state=self.view_state, plans=self.plans, followups=self.followups, recist_targets=self.recist_targets)
        return self.case


def is_bundle(path: str | os.PathLike) -> bool:
    return (Path(path) / MANIFEST).is_file()


def bundle_path(path: str | os.PathLike) -> Path:
    """``path`` with the ``.cned`` suffix added when missing."""
    target = Path(path)
    return target if target.name.endswith(BUNDLE_SUFFIX) else target.with_name(target.name + BUNDLE_SUFFIX)


def save_bundle(
    case: Case,
    path: str | os.PathLike,
    view_state: Mapping[str, Any] | None = None,
    image_mode: ImageMode = "reference",
    plans: list[ResectionPlan] | None = None,
    followups: list[SavedFollowUp] | None = None,
    recist_targets: tuple[int, ...] | None = None,
) -> Path:
    """Write ``case`` as a bundle folder; returns its path (``.cned`` added when missing).

    ``image_mode="reference"`` records where the image came from (``case.metadata['source']``
    and the DICOM series); ``"copy"`` stores the image itself as NIfTI, for cases that must
    travel (the demo case has no source file, so it is always copied). ``plans``: the case's resection
    plans (``plans.json``, their painted overrides in ``plans.npz``); none: no plan files are listed.
    ``followups``: the follow-up scans, each under ``followups/<n>/``, listed in the manifest's ``followups``;
    ``recist_targets``: the RECIST target lesions chosen by hand (None: automatic).
    """
    folder = bundle_path(path)
    folder.mkdir(parents=True, exist_ok=True)
    source = case.metadata.get("source")
    if image_mode == "reference" and not (source and Path(source).exists()):
        image_mode = "copy"
    files: dict[str, str] = {"clinical": CLINICAL_FILE, "edits": EDITS_FILE}
    if case.labels is not None:
        save_labels(case.labels, folder / LABELS_FILE)
        files["labels"] = LABELS_FILE
    if case.segments is not None:
        save_labels(case.segments, folder / SEGMENTS_FILE)
        files["segments"] = SEGMENTS_FILE
    if image_mode == "copy":
        write_image(case.image.array, case.image.geometry, folder / IMAGE_FILE)
        image_entry: dict[str, Any] = {"mode": "copy", "file": IMAGE_FILE}
    else:
        image_entry = {"mode": "reference", "path": str(Path(source).resolve()), "series": case.metadata.get("SeriesInstanceUID")}
    image_entry["geometry"] = case.image.geometry.to_json()
    clinical = case.clinical
    atomic_write_text(folder / CLINICAL_FILE, clinical.to_json())
    atomic_write_text(folder / EDITS_FILE, json.dumps(EditLog(list(case.provenance)).to_json(), indent=1, ensure_ascii=False))
    if plans:
        files.update(_write_plans(folder, plans))
    listed = write_followups(folder, followups or [])
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "saved": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "image": image_entry,
        "files": files,
        "labels_sha256": None if case.labels is None else labels_digest(case.labels.array),
        "metadata": {k: v for k, v in case.metadata.items() if isinstance(v, str | int | float | bool)},
        "warnings": list(case.warnings),
        "view_state": dict(view_state or {}),
        **({"followups": listed, "recist_targets": None if recist_targets is None else list(recist_targets)} if listed else {}),
    }
    atomic_write_text(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    prune_followups(folder, listed)
    return folder


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise UserError(f"{folder} is not a case bundle (no {MANIFEST}); open a .cned folder saved by CNED Viewer")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"{path} is damaged ({error}); restore the bundle from a backup") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise UserError(f"{path} is not a CNED case bundle manifest")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise UserError(f"case bundle format version {version!r} is newer than this CNED Viewer reads ({FORMAT_VERSION}); update CNED Viewer")
    return manifest


def load_bundle(path: str | os.PathLike) -> Bundle:
    """Read a bundle written by :func:`save_bundle`; :class:`UserError` names what is missing."""
    folder = Path(path)
    manifest = read_manifest(folder)
    image_entry = manifest.get("image") or {}
    if image_entry.get("mode") == "copy":
        loaded = load_image(folder / image_entry.get("file", IMAGE_FILE))
    else:
        source = image_entry.get("path")
        if not source or not Path(source).exists():
            raise UserError(f"the bundle's image {source} is not there any more; put it back, or save the bundle with the image copied")
        loaded = load_image(source, image_entry.get("series"))
    files = manifest.get("files") or {}
    geometry = loaded.volume.geometry
    labels = load_labels(folder / files["labels"], geometry, "app") if "labels" in files else None
    segments = None
    if "segments" in files:
        segments = load_segments(folder / files["segments"], geometry)
    clinical_path = folder / files.get("clinical", CLINICAL_FILE)
    clinical = ClinicalData.from_json(clinical_path.read_text(encoding="utf-8")) if clinical_path.is_file() else ClinicalData()
    provenance = _read_edit_log(folder / files["edits"]) if "edits" in files else []
    metadata = {**manifest.get("metadata", {}), **loaded.metadata, "source": str(loaded.source), "bundle": str(folder)}
    found = list(manifest.get("warnings") or []) + loaded.warnings + ([] if labels is None else labels.notices)
    warnings = list(dict.fromkeys(found))  # what was noticed when the case was opened, once each
    saved_digest = manifest.get("labels_sha256")
    if labels is not None and saved_digest and saved_digest != labels_digest(labels.array):
        warnings.append("the bundle's labels differ from those it recorded when saved (edited outside CNED Viewer?)")
    followups, damaged = read_followups(folder, manifest)
    case = Case(loaded.volume, labels, segments, clinical, metadata, warnings + damaged, provenance)
    targets = manifest.get("recist_targets")
    targets = tuple(int(t) for t in targets) if isinstance(targets, list) and all(isinstance(t, int) for t in targets) else None
    return Bundle(case, dict(manifest.get("view_state") or {}), manifest, _read_plans(folder, files), followups, targets)


def _write_plans(folder: Path, plans: list[ResectionPlan]) -> dict[str, str]:
    """Write ``plans.json`` (and ``plans.npz`` when a plan has overrides); the manifest's entries for them."""
    written = {"plans": PLANS_FILE}
    if any(plan.overrides is not None for plan in plans):
        def write(tmp: Path) -> None:
            with open(tmp, "wb") as handle:
                write_overrides_npz(handle, plans)

        atomic_write(folder / PLAN_OVERRIDES_FILE, write)
        written["plan_overrides"] = PLAN_OVERRIDES_FILE
    atomic_write_text(folder / PLANS_FILE, json.dumps(plans_to_json(plans), indent=1, ensure_ascii=False))
    return written


def _read_plans(folder: Path, files: Mapping[str, str]) -> list[ResectionPlan]:
    """The plans a bundle lists (older bundles: none)."""
    if "plans" not in files:
        return []
    try:
        overrides = read_overrides_npz(folder / files["plan_overrides"]) if "plan_overrides" in files else {}
        return plans_from_json(json.loads((folder / files["plans"]).read_text(encoding="utf-8")), overrides)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"the bundle's resection plans ({files['plans']}) are damaged ({error}); restore the bundle from a backup") from None


def _read_edit_log(path: Path) -> list[Provenance]:
    try:
        return EditLog.from_json(json.loads(path.read_text(encoding="utf-8"))).entries
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"the bundle's edit log {path} is damaged ({error}); restore the bundle from a backup") from None
