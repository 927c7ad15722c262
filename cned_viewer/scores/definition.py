"""A score as data: its items, groups and source; :meth:`ScoreDefinition.evaluate` does the rest.

Two kinds share this machinery: *point* scores (total = sum of item points: C-NED, Fong,
GAME, m-CS, Nordlinger) and *value* scores (total = a function of the inputs: TBS, TTV).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from cned_viewer.core.clinical import FIELDS_BY_NAME
from cned_viewer.scores.criteria import Criterion, Values
from cned_viewer.scores.evidence import ScoreEvidence, cutoffs_for
from cned_viewer.scores.results import InputValue, ItemResult, ScoreInputs, ScoreResult, format_number


@dataclass(frozen=True)
class ScoreDefinition:
    """One score. ``groups`` are (label, lowest total), ascending; ``value`` makes a value score.

    ``derived`` computes extra numbers shown with the result (e.g. the TTV change); it
    receives the input values with unknowns as ``None``.
    """

    id: str
    name: str
    evidence: ScoreEvidence
    items: tuple[Criterion, ...]
    groups: tuple[tuple[str, float], ...] = ()
    value: Callable[[Values], float] | None = None
    value_range: tuple[float, float | None] = (0, None)
    unit: str = ""
    derived: Callable[[Values], dict[str, float | None]] | None = None
    notes: tuple[str, ...] = ()

    @property
    def citation(self) -> str:
        return self.evidence.citation

    @property
    def kind(self) -> Literal["points", "value"]:
        return "points" if self.value is None else "value"

    @property
    def inputs(self) -> tuple[str, ...]:
        """Names of every input the score reads, in item order."""
        return tuple(dict.fromkeys(name for item in self.items for name in item.inputs))

    @property
    def total_range(self) -> tuple[float, float | None]:
        if self.kind == "points":
            return (0, sum(item.max_points for item in self.items))
        return self.value_range

    def group_of(self, total: float | None) -> str | None:
        """The risk group of ``total`` (``None`` when unknown or the score has no groups)."""
        if total is None:
            return None
        return next((label for label, lowest in reversed(self.groups) if total >= lowest), None)

    def total_of(self, values: Values) -> float | None:
        """The total from plain input values, ``None`` if a needed one is unknown."""
        if self.value is not None:
            needed = [n for item in self.items if item.required for n in item.inputs]
            return None if any(values.get(n) is None for n in needed) else self.value(values)
        points = [item.points(values) for item in self.items]
        return None if None in points else sum(points)  # type: ignore[arg-type]

    def evaluate(self, inputs: ScoreInputs) -> ScoreResult:
        """Score one patient; incomplete (``total is None``) when a needed input is unknown."""
        items = tuple(item.evaluate(inputs) for item in self.items)
        missing = tuple(dict.fromkeys(n for item in items if item.required for n in item.missing))
        values = {name: (inputs.get(name) or InputValue(name)).value for name in self.inputs}
        total = None if missing else self.total_of(values)
        known_points = possible = None
        if self.kind == "points":
            known_points = sum(item.points or 0 for item in items)
            if missing:
                possible = (known_points, known_points + sum(i.max_points for i in items if i.points is None))
        sensitivity, borderline = self._sensitivity(inputs, values, total, items)
        return ScoreResult(
            score_id=self.id, name=self.name, citation=self.citation, kind=self.kind, total=total,
            total_range=self.total_range, group=self.group_of(total), items=items, missing=missing,
            known_points=known_points, possible_totals=possible, sensitivity_totals=sensitivity,
            borderline=borderline, unit=self.unit, values=self.derived(values) if self.derived else {},
            notes=self.notes, cutoffs=self.cutoffs,
        )

    @property
    def cutoffs(self) -> tuple[float, ...]:
        """Totals where a group starts above the lowest one (a shown total never rounds across them)."""
        return tuple(lowest for _, lowest in self.groups[1:])

    def _sensitivity(self, inputs: ScoreInputs, values: dict[str, Any], total: float | None,
                     items: tuple[ItemResult, ...]) -> tuple[tuple[float, float] | None, tuple[str, ...]]:
        """Totals over every combination of range ends of the image inputs, and what flips."""
        messages = tuple(item.borderline for item in items if item.borderline)
        ranged = [i for n in self.inputs if (i := inputs.get(n)) is not None and i.has_range and i.value is not None]
        if total is None or not ranged:
            return None, messages
        totals = []
        for combo in itertools.product(*[(i.low, i.value, i.high) for i in ranged]):
            probe = self.total_of({**values, **{i.name: v for i, v in zip(ranged, combo)}})
            if probe is not None:
                totals.append(probe)
        low, high = min(totals), max(totals)
        if low == high == total:
            return None, messages
        groups = list(dict.fromkeys(self.group_of(t) for t in sorted(totals)))
        if len(groups) > 1:
            ranges = ", ".join(f"{i.label} {format_number(i.low, cutoffs_for(i.name))}-{format_number(i.high, cutoffs_for(i.name))}"
                               for i in ranged)
            messages += (f"borderline: within the measurement ranges ({ranges}) the {self.name} group could be "
                         f"{' to '.join(str(g) for g in groups)} (total {format_number(low, self.cutoffs)} to "
                         f"{format_number(high, self.cutoffs)})",)
        return (low, high), messages

    def describe(self) -> dict[str, Any]:
        """What the UI and the report need to list the score without knowing it."""
        return {
            "id": self.id, "name": self.name, "citation": self.citation, "kind": self.kind,
            "total_range": list(self.total_range), "unit": self.unit,
            "groups": [{"label": label, "from": lowest} for label, lowest in self.groups],
            "inputs": [{"name": n, "label": FIELDS_BY_NAME[n].label if n in FIELDS_BY_NAME else n,
                        "unit": FIELDS_BY_NAME[n].unit if n in FIELDS_BY_NAME else ""} for n in self.inputs],
            "items": [{"key": i.key, "label": i.label, "max_points": i.max_points, "description": i.description}
                      for i in self.items],
        }
