"""A follow-up scan beside the baseline: its axial slice, linked to the baseline's through the registration.

While the Follow-up tab is shown and the case has a follow-up, the window's grid shows baseline axial |
follow-up axial over baseline coronal | 3D (the sagittal view steps aside), and the 3D lesions take the
colour of their status against the last follow-up (:data:`STATUS_RGB`). A crosshair set in either scan
moves the other to the same anatomy (``session.followups.to_followup`` / ``to_baseline``: the registration
maps the point; each scan stays on its own grid).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject

from cned_viewer.followup import FollowupResult
from cned_viewer.session import CaseSession
from cned_viewer.ui.followup_panel import STATUS_RGB, FollowUpPanel
from cned_viewer.ui.slice_view import SliceView

Index = tuple[int, int, int]


class FollowUpViews(QObject):
    """The follow-up's slice views (module doc); ``set_baseline_point`` moves the baseline views' crosshair."""

    def __init__(self, session: CaseSession, baseline: Mapping[str, SliceView], panel: FollowUpPanel,
                 set_baseline_point: Callable[[Index], None]) -> None:
        super().__init__(panel)
        self.session, self.followups, self.baseline = session, session.followups, baseline
        self.set_baseline_point = set_baseline_point
        self.views = {"axial": SliceView("axial")}
        self.name: str | None = None
        for view in self.views.values():
            view.hide()
            view.point_picked.connect(self._followup_point)
        for view in baseline.values():
            view.point_picked.connect(self._baseline_point)
        self._linking = False
        baseline["axial"].slice_changed.connect(lambda index: self._link_slice(baseline["axial"], self.views["axial"], self.followups.to_followup))
        self.views["axial"].slice_changed.connect(lambda index: self._link_slice(self.views["axial"], baseline["axial"], self.followups.to_baseline))
        panel.chosen.connect(self.show_followup)

    def result(self) -> FollowupResult | None:
        """The comparison of the follow-up shown (the last compared one when none is); None without a comparison."""
        comparison = self.followups.comparison
        return None if comparison is None else comparison.result(self.name)

    def status_colours(self) -> dict[int, tuple[int, int, int]] | None:
        """Baseline lesion number -> RGB of its status at the follow-up shown; None without a comparison."""
        result = self.result()
        if result is None:
            return None
        return {lesion_id: STATUS_RGB[match.status] for match in result.matches
                for lesion_id in match.baseline_ids if match.status in STATUS_RGB}

    def show_followup(self, name: str | None) -> None:
        """Show follow-up ``name`` in the views (None: none)."""
        point = None if name is None or name not in self.followups.names else self.followups.point(name)
        self.name = None if point is None else point.name
        for view in self.views.values():
            view.title = "" if point is None else f"{point.name}: "
            if view.case is not (None if point is None else point.case):
                view.set_case(None if point is None else point.case)
        crosshair = self.baseline["axial"].crosshair
        if point is not None and crosshair is not None:
            self._baseline_point(crosshair)

    def _link_slice(self, source: SliceView, target: SliceView, to_other: Callable[[str, Index], Index | None]) -> None:
        """``source`` scrolled to another slice: ``target`` shows the slice through the same anatomy (at the crosshair,
        or the slice's centre without one)."""
        if self.name is None or self._linking or source.case is None:
            return
        shape = source.case.image.array.shape
        _, y, x = source.crosshair or (0, shape[1] // 2, shape[2] // 2)
        mapped = to_other(self.name, (source.index, y, x))
        if mapped is not None:
            self._linking = True  # the target's own slice_changed must not come back here
            try:
                target.set_index(mapped[0])
            finally:
                self._linking = False

    def _baseline_point(self, index_zyx: Index) -> None:
        mapped = None if self.name is None else self.followups.to_followup(self.name, index_zyx)
        if mapped is not None:
            for view in self.views.values():
                view.set_point(mapped)

    def _followup_point(self, index_zyx: Index) -> None:
        for view in self.views.values():
            view.set_point(index_zyx)
        mapped = None if self.name is None else self.followups.to_baseline(self.name, index_zyx)
        if mapped is not None:
            self.set_baseline_point(mapped)
