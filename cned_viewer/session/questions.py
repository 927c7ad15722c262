"""What the session asks the user, and the answers a headless session gives.

The session never opens a dialog: where it needs a decision (unsaved edits before another case
comes, which DICOM series, how a label file's values map, whether to recover a crashed
session's edits) it asks its :class:`Questions`. The window answers with dialogs
(``cned_viewer.ui.questions``); tests and the command line use :class:`Answers`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from cned_viewer.io.dicom_series import DicomScan
from cned_viewer.io.label_mappings import BUILTIN_MAPPINGS
from cned_viewer.io.recovery import RecoveryInfo

UnsavedChoice = Literal["save", "discard", "cancel"]
RecoveryChoice = Literal["recover", "discard", "later"]


class Questions(Protocol):
    def unsaved_edits(self) -> UnsavedChoice:
        """The labels or clinical inputs have unsaved edits and are about to go: save, discard or stay."""

    def labels_path(self) -> str | None:
        """Where to save the labels of a case that has no bundle yet (None: the user cancelled)."""

    def bundle_path(self) -> str | None:
        """Where to save a case bundle (its plans or follow-ups would not fit a labels file; None: cancelled)."""

    def series(self, scan: DicomScan) -> str | None:
        """The UID of the series to open from a folder with several (None: cancelled)."""

    def label_mapping(self) -> str | None:
        """How a label file's values map to the app's labels: a built-in name or a JSON file (None: cancelled)."""

    def recovery(self, info: RecoveryInfo) -> RecoveryChoice:
        """A crashed session left unsaved edits: recover, discard or decide later."""


@dataclass
class Answers:
    """Fixed answers: headless sessions (tests, the command line)."""

    unsaved: UnsavedChoice = "cancel"
    save_labels_to: str | None = None
    save_bundle_to: str | None = None
    series_index: int = 0
    mapping: str | None = next(iter(BUILTIN_MAPPINGS))
    recover: RecoveryChoice = "later"

    def unsaved_edits(self) -> UnsavedChoice:
        return self.unsaved

    def labels_path(self) -> str | None:
        return self.save_labels_to

    def bundle_path(self) -> str | None:
        return self.save_bundle_to

    def series(self, scan: DicomScan) -> str | None:
        return scan.series[self.series_index].uid if self.series_index < len(scan.series) else None

    def label_mapping(self) -> str | None:
        return self.mapping

    def recovery(self, info: RecoveryInfo) -> RecoveryChoice:
        return self.recover
