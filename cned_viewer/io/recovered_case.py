"""The case a recovery save belongs to, reopened with the recovered labels, clinical inputs and edit log."""

from __future__ import annotations

from pathlib import Path

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.io.case_bundle import is_bundle, load_bundle
from cned_viewer.io.case_loader import load_case
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
    return Case(base.image, recovered.labels, base.segments, clinical, metadata,
                base.warnings + recovered.labels.notices, list(recovered.log.entries))
