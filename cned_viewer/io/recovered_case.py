"""The case a recovery save belongs to, reopened with the recovered labels, clinical inputs, edit log, plans and
follow-up scans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.core.labels import array_digest
from cned_viewer.errors import UserError
from cned_viewer.io.case_bundle import is_bundle, load_bundle
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.followup_bundle import SavedFollowUp
from cned_viewer.io.recovery import RecoveryInfo, recover


def _base_case(info: RecoveryInfo) -> Case:
    """The case as it was opened: its bundle, its image (and series), or the demo phantom."""
    source = info.source
    if source.bundle and is_bundle(source.bundle):
        return load_bundle(source.bundle).case_to_open()  # its saved plans too: the recovered labels are planned on again
    if source.image:
        if not Path(source.image).exists():
            raise UserError(f"the image of the unsaved edits, {source.image}, is not there any more; put it back to recover them")
        return load_case(source.image, series=source.series or None)
    from cned_viewer.demo.phantom import make_demo_case

    return make_demo_case()


def recovered_case(info: RecoveryInfo) -> Case:
    """The case of ``info`` with the saved labels, clinical inputs and edit log; the save itself stays
    on disk (the reopened session continues it) until the user saves or discards the edits."""
    base = _base_case(info)
    recovered = recover(info)
    if not recovered.labels.geometry.matches(base.image.geometry):
        raise UserError(f"the unsaved edits in {info.folder} do not fit the grid of {info.source.image or 'the demo case'}; discard them")
    clinical = ClinicalData.from_dict(recovered.clinical) if recovered.clinical is not None else base.clinical
    metadata = dict(base.metadata, recovered=True, recovery_folder=str(info.folder))
    if recovered.plans is not None:
        metadata["plans"] = recovered.plans
    warnings = base.warnings + recovered.labels.notices
    if recovered.followups is not None:
        followups, lost = reloaded_followups(recovered.followups, metadata.get("followups") or [])
        targets = recovered.followups.get("targets")
        metadata.update(followups=followups, recist_targets=tuple(int(i) for i in targets) if targets else None)
        warnings = warnings + lost
    return Case(base.image, recovered.labels, base.segments, clinical, metadata, warnings, list(recovered.log.entries))


def reloaded_followups(saved: dict[str, Any], known: list[SavedFollowUp]) -> tuple[list[SavedFollowUp], list[str]]:
    """The follow-up scans a recovery save lists (``CaseFollowUps.recovery_json()``), read again from their files,
    and one warning per scan that could not be (gone, unreadable, or labels changed since: open it again).

    ``known``: follow-ups already read (the bundle's own), reused when the save names the same files."""
    found, lost = [], []
    for scan in saved.get("scans") or []:
        name = str(scan.get("name") or "?")
        try:
            found.append(_reloaded(scan, known))
        except (UserError, OSError, ValueError, KeyError, TypeError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            lost.append(f"follow-up {name} was not recovered ({reason}): open the scan again with File > Open follow-up scan")
    return found, lost


def _reloaded(scan: dict[str, Any], known: list[SavedFollowUp]) -> SavedFollowUp:
    image, labels = str(scan["image"]), scan.get("labels")
    for path in (image, labels):
        if path and not Path(path).exists():
            raise UserError(f"{path} is not there any more")
    same = next((k for k in known if k.image_file and Path(k.image_file) == Path(image)), None)
    if same is not None and same.labels is not None and array_digest(same.labels.array) == scan.get("labels_sha256"):
        volume, label_map, mapping = same.image, same.labels, same.label_map  # the bundle's own copy, read already
    else:
        case = load_case(image, labels or None, scan.get("label_map"))
        if case.labels is not None and array_digest(case.labels.array) != scan.get("labels_sha256"):
            raise UserError(f"its labels file {labels} changed since")
        volume, label_map, mapping = case.image, case.labels, scan.get("label_map")
    saved = SavedFollowUp(str(scan["name"]), scan.get("study_date"), scan.get("source"), volume, label_map,
                          scan.get("registration") if label_map is not None else None, image, mapping)
    _ = saved.transform  # checked now: a bad transform is a damaged entry
    return saved
