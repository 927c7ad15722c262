"""The 3D model of the open case, rebuilt in a worker after every measurement (only what the edits changed)."""

from __future__ import annotations

from functools import reduce

from PySide6.QtCore import QObject, Signal

from cned_viewer.core.case import Case
from cned_viewer.core.provenance import EditRecord
from cned_viewer.kernels.boxes import Box, as_box, union_box
from cned_viewer.measure import Measurements
from cned_viewer.mesh.case_meshes import CaseMeshes, build_case_meshes
from cned_viewer.session import CaseSession
from cned_viewer.ui.workers import BackgroundRunner


class ModelUpdater(QObject):
    """Follows the session: a measured case gets its meshes; an edit's box limits the next rebuild."""

    started = Signal()
    built = Signal(object)  # CaseMeshes
    failed = Signal(str)

    def __init__(self, session: CaseSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.meshes: CaseMeshes | None = None
        self._edit_boxes: list[Box] = []  # of the label edits the model on screen does not show yet, oldest first
        self.mesher = BackgroundRunner(self)
        self.mesher.finished.connect(self._built)
        self.mesher.failed.connect(self.failed.emit)
        session.case_opened.connect(self._reset)
        session.options_changed.connect(self._reset)  # lesion ids follow the connectivity: the whole model is rebuilt
        session.labels_changed.connect(self._labels_changed)
        session.measured.connect(self._rebuild)

    @property
    def busy(self) -> bool:
        return self.mesher.busy

    def cancel(self) -> None:
        self.mesher.cancel()

    def _reset(self, _what: Case | object = None) -> None:
        self.mesher.cancel()
        self.meshes = None
        self._edit_boxes = []

    def _labels_changed(self, record: EditRecord | None) -> None:
        case = self.session.case
        if record is None:
            self.mesher.cancel()  # the labels are measured again; this model follows that measurement
        elif record.target == "labels" and case is not None and case.labels is not None:
            self._edit_boxes.append(as_box(record.box, case.labels.array.shape))

    def _rebuild(self, measurements: Measurements) -> None:
        case = self.session.case
        if case is None or case.labels is None:
            return
        labels, lesions, connectivity = case.labels, measurements.lesions, self.session.options.connectivity
        shown = self.meshes if self.meshes is not None and self.meshes.labels is not None and self.meshes.labels.shape == labels.array.shape else None
        edited = len(self._edit_boxes)
        within = reduce(union_box, self._edit_boxes) if shown is not None and edited else None  # every change since the model on screen
        self.started.emit()
        self.mesher.submit(lambda: (build_case_meshes(labels.copy(), lesions, connectivity=connectivity, previous=shown, within=within), edited))

    def _built(self, built: tuple[CaseMeshes, int]) -> None:
        meshes, shown_edits = built
        del self._edit_boxes[:shown_edits]  # the model now shows them (only the newest mesh job's result arrives)
        self.meshes = meshes
        self.built.emit(meshes)
