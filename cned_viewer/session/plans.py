"""The resection plans of the open case (``session.plans``): named plans, the active one's edits, live figures (no Qt).

:class:`CasePlans` holds several named :class:`~cned_viewer.planning.ResectionPlan` values (immutable:
an edit replaces the plan, so a job in a worker reads a plan nobody changes). Their
:class:`~cned_viewer.planning.PlanFigures` are computed through one ``figurer`` channel:

- after each ``measured`` (labels changed, lesions current) the :class:`~cned_viewer.planning.PlanEvaluator`
  is rebuilt in that job, from a fresh :class:`~cned_viewer.measure.IncrementalMeasurer` on a copy of the
  labels and segments with the session measurer's lesion numbering (so lesions are numbered as the viewer
  shows them, and the session's measurer is never touched from a worker);
- a plan edit, or other clinical inputs (height, weight, chemotherapy, cirrhosis, steatosis: sFLR and
  threshold), recompute the plans concerned. The channel is newest-wins, so every job computes all the
  plans still waiting (``_pending``) and a dropped job loses nothing.

A plan of one plane moved along its normal uses a cached :class:`~cned_viewer.planning.PlaneSweep`: at once,
without a job, when the evaluator is current and nothing waits. Plan edits are unsaved changes until a
bundle save (:meth:`saved`); the recovery saves keep them beside the labels, so a crash loses none.

Edits of a plan's content (segments, planes, painted overrides) can be undone (:meth:`undo`, :meth:`redo`):
each keeps the plan as it was (plans are immutable, so that is one reference; a brush stroke copies the
overrides once). Consecutive moves of one plane are one step. :attr:`planning` says the user is planning
(the window's Plan tab is shown): the window's Undo then undoes plan edits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
from psygnal import Signal

from cned_viewer.core.case import Case
from cned_viewer.errors import UserError
from cned_viewer.measure.incremental import IncrementalMeasurer
from cned_viewer.planning import KEEP, RESECT, CutPlane, PlanEvaluator, PlanFigures, PlaneSweep, ResectionPlan
from cned_viewer.session.plan_brush import PlanBrush

Box = tuple[slice, slice, slice]
#: Plan edits kept for undo (each may hold one overrides array).
UNDO_STEPS = 30


class CasePlans:
    """Named resection plans of the open case, the active plan's edits and their live figures (module doc)."""

    plans_changed = Signal()  # plans added, renamed, removed, another chosen, or the active one edited
    figures_changed = Signal(str, object)  # plan name, its PlanFigures

    def __init__(self, session: Any) -> None:
        self.session = session
        self._plans: dict[str, ResectionPlan] = {}
        self.active: str | None = None
        self.figures: dict[str, PlanFigures] = {}
        self.evaluator: PlanEvaluator | None = None
        self._sweeps: dict[tuple[float, float, float], PlaneSweep] = {}
        self._stale = True  # the evaluator is behind the labels
        self._pending: set[str] = set()
        self._revision = self._saved_revision = 0
        self._undo: list[tuple[ResectionPlan, str]] = []  # (plan before the edit, what the edit was)
        self._redo: list[tuple[ResectionPlan, str]] = []
        self.planning = False
        self.brush = PlanBrush(self)
        session.edits.plans_source = lambda: self.plans  # recovery saves keep the plans beside the labels
        self.figurer = session.executor.channel(self._computed, session.fail)
        session.case_opened.connect(self._case_opened)
        session.measured.connect(self._labels_measured)
        session.clinical_changed.connect(self._clinical_changed)

    # -- the list ------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return list(self._plans)

    @property
    def plans(self) -> list[ResectionPlan]:
        return list(self._plans.values())

    def plan(self, name: str) -> ResectionPlan:
        if name not in self._plans:
            raise UserError(f"there is no resection plan named {name!r}")
        return self._plans[name]

    @property
    def active_plan(self) -> ResectionPlan | None:
        return None if self.active is None else self._plans[self.active]

    def add(self, name: str, plan: ResectionPlan | None = None) -> ResectionPlan:
        """A new plan (empty unless ``plan`` is given), made active."""
        plan = replace(plan, name=name) if plan is not None else ResectionPlan(name)
        if plan.name in self._plans:
            raise UserError(f"a resection plan named {plan.name!r} exists already; choose another name")
        self._plans[plan.name] = plan
        self.active = plan.name
        self._changed({plan.name})
        return plan

    def rename(self, old: str, new: str) -> None:
        plan = replace(self.plan(old), name=new)
        if plan.name == old:
            return
        if plan.name in self._plans:
            raise UserError(f"a resection plan named {plan.name!r} exists already; choose another name")
        self._plans = {plan.name if k == old else k: plan if k == old else v for k, v in self._plans.items()}
        if old in self.figures:
            self.figures[plan.name] = self.figures.pop(old)
        if old in self._pending:
            self._pending = (self._pending - {old}) | {plan.name}
        self.active = plan.name if self.active == old else self.active
        self._changed({plan.name} if plan.name in self._pending else set())  # a running job knows the old name

    def remove(self, name: str) -> None:
        self.plan(name)
        del self._plans[name]
        self.figures.pop(name, None)
        self._pending.discard(name)
        if self.active == name:
            self.active = next(iter(self._plans), None)
        self._changed(set())

    def choose(self, name: str) -> None:
        """Make ``name`` the plan that edits change."""
        self.plan(name)
        if name != self.active:
            self.active = name
            self.plans_changed.emit()

    # -- editing the active plan ------------------------------------------------------------------
    def _edit(self, what: str, **changes: Any) -> ResectionPlan:
        """Replace the active plan by one with ``changes``; ``what`` names the step for undo."""
        plan = self.active_plan
        if plan is None:
            raise UserError("add a resection plan first")
        if not (what.startswith("move plane") and self._undo and self._undo[-1][1] == what and self._undo[-1][0].name == plan.name):
            self._undo = [*self._undo[-(UNDO_STEPS - 1):], (plan, what)]
        self._redo = []
        plan = replace(plan, **changes)
        self._plans[plan.name] = plan
        return plan

    def set_segments(self, segments: Iterable[int]) -> None:
        plan = self._edit("segments", segments=frozenset(segments))
        self._changed({plan.name})

    def add_plane(self, plane: CutPlane) -> int:
        """Add a cutting plane to the active plan; its index."""
        plan = self._edit("add plane", planes=(*self._active_planes(), plane))
        self._changed({plan.name})
        return len(plan.planes) - 1

    def set_plane(self, index: int, plane: CutPlane) -> None:
        planes = list(self._active_planes())
        planes[index] = plane
        plan = self._edit(f"move plane {index + 1}", planes=tuple(planes))
        if not self._swept(plan):
            self._changed({plan.name})

    def move_plane(self, index: int, distance_mm: float) -> None:
        """Shift plane ``index`` along its normal (positive: towards the removed side; the sweep's fast path)."""
        self.set_plane(index, self._active_planes()[index].moved(distance_mm))

    def remove_plane(self, index: int) -> None:
        planes = list(self._active_planes())
        del planes[index]
        plan = self._edit("remove plane", planes=tuple(planes))
        self._changed({plan.name})

    def _active_planes(self) -> tuple[CutPlane, ...]:
        plan = self.active_plan
        return () if plan is None else plan.planes

    def paint(self, box: Box | None = None, mask: np.ndarray | None = None, voxels: Iterable[tuple[int, int, int]] | None = None,
              value: int = RESECT) -> None:
        """Set the active plan's overrides where ``mask`` is true in ``box``, or at ``voxels`` (z, y, x): 1 resects, 2 keeps, 0 follows."""
        case = self.session.case
        if case is None:
            raise UserError("open a case first")
        current = self.active_plan.overrides if self.active_plan is not None else None
        overrides = np.zeros(case.image.array.shape, np.uint8) if current is None else current.copy()
        if box is not None:
            region = overrides[box]
            region[np.ones(region.shape, bool) if mask is None else np.asarray(mask, bool)] = value
        if voxels is not None:
            index = np.asarray(list(voxels), int).reshape(-1, 3)
            overrides[index[:, 0], index[:, 1], index[:, 2]] = value
        self.set_overrides(overrides, "paint resection" if value == RESECT else "keep liver")

    def set_overrides(self, overrides: np.ndarray, what: str = "paint") -> None:
        """The active plan's overrides become ``overrides`` (a new array, or one only this call's caller writes)."""
        plan = self._edit(what, overrides=overrides)
        self._changed({plan.name})

    def continue_overrides(self, overrides: np.ndarray) -> None:
        """A brush stroke went on in ``overrides`` (the array its first move gave): new figures, no new undo step."""
        plan = self.active_plan
        if plan is not None:
            self._plans[plan.name] = replace(plan, overrides=overrides)  # a new plan object: the views redraw it
            self._changed({plan.name}, listed=False)  # what the plan removes is as listed: figures only

    def erase(self, box: Box | None = None, mask: np.ndarray | None = None, voxels: Iterable[tuple[int, int, int]] | None = None) -> None:
        """Keep these voxels whatever the segments and planes say (overrides 2)."""
        self.paint(box, mask, voxels, KEEP)

    # -- undo --------------------------------------------------------------------------------------
    @property
    def next_undo(self) -> str | None:
        """What :meth:`undo` would undo (``"paint resection"``, ``"move plane 1"``...), None when nothing."""
        return self._undo[-1][1] if self._undo else None

    @property
    def next_redo(self) -> str | None:
        return self._redo[-1][1] if self._redo else None

    def undo(self) -> None:
        self._step(self._undo, self._redo)

    def redo(self) -> None:
        self._step(self._redo, self._undo)

    def _step(self, source: list[tuple[ResectionPlan, str]], target: list[tuple[ResectionPlan, str]]) -> None:
        """Put back the plan kept by the last step of ``source`` (its current state goes to ``target``)."""
        if not source:
            return
        plan, what = source.pop()
        if plan.name in self._plans:
            target.append((self._plans[plan.name], what))
            self._plans[plan.name] = plan
            self.active = plan.name
            self._changed({plan.name})

    def resected_region(self, name: str | None = None) -> tuple[Box, np.ndarray] | None:
        """Where plan ``name`` (default: the active one) resects functional liver: (box, mask on it);
        None while its figures are being computed or without a plan (for the views: the figures never use this)."""
        plan = self._plans.get(name or self.active or "")
        evaluator = self.evaluator
        if plan is None or evaluator is None or self._stale or plan.name not in self.figures:
            return None
        region = evaluator.region
        z0, z1, y0, y1, x0, x1 = region.box
        return (slice(z0, z1), slice(y0, y1), slice(x0, x1)), evaluator.resected_mask(plan) & region.functional

    # -- unsaved changes ------------------------------------------------------------------------------
    @property
    def has_unsaved_changes(self) -> bool:
        return self._revision != self._saved_revision

    def snapshot(self) -> tuple[list[ResectionPlan], int]:
        """The plans to save and the revision they have (plans are immutable: no copy needed)."""
        return self.plans, self._revision

    def saved(self, revision: int) -> None:
        self._saved_revision = revision

    # -- figures -------------------------------------------------------------------------------------
    def _touched(self) -> None:
        """A plan changed: unsaved, and due in the next recovery save."""
        self._revision += 1
        if self.session.edits.autosaver is not None:
            self.session.edits.autosaver.mark_pending()

    def _changed(self, names: set[str], listed: bool = True) -> None:
        """``names`` changed: unsaved, their figures recomputed; ``listed``: the list or a plan's segments/planes too."""
        self._touched()
        if listed:
            self.plans_changed.emit()
        if names:
            self._pending |= names
            self._submit()

    def _case_opened(self, case: Case) -> None:
        self.figurer.cancel()
        restored = case.metadata.pop("plans", None) or []
        self._plans = {plan.name: plan for plan in restored}
        self.active = next(iter(self._plans), None)
        self.figures, self._sweeps, self.evaluator, self._stale = {}, {}, None, True
        self._pending = set(self._plans)
        self._revision = self._saved_revision = 0
        self._undo, self._redo = [], []
        self.plans_changed.emit()

    def _labels_measured(self, _measurements: Any) -> None:
        self._stale = True
        self._sweeps = {}
        self._pending |= set(self._plans)
        self._submit()

    def _clinical_changed(self, _clinical: Any) -> None:
        self._pending |= set(self._plans)
        self._submit()

    def _swept(self, plan: ResectionPlan) -> bool:
        """Figures of a single-plane plan at once from a cached sweep; False when it needs a job."""
        sweep = self._sweeps.get(plan.planes[0].normal_xyz) if plan.single_plane else None
        if sweep is None or self._stale or self._pending or self.session.case is None:
            return False
        self._touched()
        self.figures[plan.name] = figures = sweep.figures(plan.planes[0], self.session.case.clinical)
        self.figures_changed.emit(plan.name, figures)
        return True

    def _submit(self) -> None:
        """Compute the waiting plans' figures in the figurer (rebuilding the evaluator first when it is stale)."""
        session, case = self.session, self.session.case
        measurer = session.edits.measurer
        if not self._pending or case is None or case.labels is None or measurer is None:
            return  # measured() comes and submits them
        plans = [self._plans[name] for name in self._pending]
        clinical, evaluator, sweeps = case.clinical, None if self._stale else self.evaluator, dict(self._sweeps)
        if evaluator is None:
            copy = Case(case.image, case.labels.copy(), case.segments.copy() if case.segments is not None else None)
            options, numbering = session.options, measurer.numbering.snapshot()

        def job() -> tuple[PlanEvaluator, dict[str, PlanFigures], dict]:
            built = evaluator or PlanEvaluator.from_measurer(IncrementalMeasurer(copy, options, numbering=numbering),
                                                             copy.labels, copy.segments)
            figures = {}
            for plan in plans:
                if plan.single_plane:
                    normal = plan.planes[0].normal_xyz
                    sweep = sweeps.get(normal) or sweeps.setdefault(normal, built.sweep(normal))
                    figures[plan.name] = sweep.figures(plan.planes[0], clinical)
                else:
                    figures[plan.name] = built.evaluate(plan, clinical)
            return built, figures, sweeps

        self.figurer.submit(job)

    def _computed(self, result: tuple[PlanEvaluator, dict[str, PlanFigures], dict]) -> None:
        evaluator, figures, sweeps = result
        self.evaluator, self._sweeps, self._stale = evaluator, sweeps, False
        self._pending.clear()  # the newest job computed every plan waiting when it was submitted
        for name, plan_figures in figures.items():
            if name in self._plans:
                self.figures[name] = plan_figures
                self.figures_changed.emit(name, plan_figures)
