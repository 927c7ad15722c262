"""Score items: one :class:`Criterion` per item, built by a few shared factories.

A criterion reads named inputs and returns its points, or ``None`` when an input it needs
is unknown (never a guess). When an input carries a measurement sensitivity range
(``low``..``high``), :meth:`Criterion.evaluate` re-scores the item at both ends and
reports a borderline item when its points would change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cned_viewer.core.cells import parse_yes_no
from cned_viewer.scores.evidence import cutoffs_for
from cned_viewer.scores.results import InputValue, ItemResult, ScoreInputs, format_number

Values = Mapping[str, Any]
Rule = Callable[[Values], int | None]
Caveat = Callable[[Values], str]

#: Said by every item that uses the largest diameter (clinical-spec section 2).
DIAMETER_SOURCE = ("From the image by default: the largest axial in-plane (RECIST-style) diameter of any "
                   "metastasis; the Feret (3D) diameter only when chosen, and a hand override when given.")
LESION_COUNT_SOURCE = ("From the image: connected components of the tumour mask, tiny components excluded; "
                       "touching lesions may merge or split (see the sensitivity range).")
TLVR_SOURCE = "From the image: total tumour volume / total liver volume (organ envelope including tumours)."


@dataclass(frozen=True)
class Criterion:
    """One item: the inputs it reads, how it scores them, and how it is explained.

    ``rule`` maps input values (``None`` = unknown) to points or ``None`` (undecided). A
    criterion without rule only shows an input of a value score (e.g. the TBS diameter).
    ``cutoffs`` are the values the rule compares with; ``caveat`` says where sources disagree.
    """

    key: str
    label: str
    inputs: tuple[str, ...]
    rule: Rule | None
    max_points: int
    description: str = ""
    required: bool = True
    cutoffs: tuple[float, ...] = ()
    caveat: Caveat | None = None

    def points(self, values: Values) -> int | None:
        return None if self.rule is None else self.rule(values)

    def evaluate(self, inputs: ScoreInputs) -> ItemResult:
        """Score the item from ``inputs``; names what is missing and whether it is borderline."""
        used = tuple(inputs.get(name) or InputValue(name) for name in self.inputs)
        values = {i.name: i.value for i in used}
        points = self.points(values)
        undecided = self.rule is None or points is None
        missing = tuple(i.name for i in used if i.value is None) if undecided else ()
        if self.rule is not None and points is None and not missing:
            missing = self.inputs
        borderline = "" if points is None else _borderline(self, used, values, points)
        caveat = "" if self.caveat is None or points is None else self.caveat(values)
        return ItemResult(self.key, self.label, self.description, points, self.max_points, used,
                          missing, borderline, self.required, caveat)


def _borderline(criterion: Criterion, used: tuple[InputValue, ...], values: Values, points: int) -> str:
    for item in used:
        if not item.has_range:
            continue
        for probe in (item.low, item.high):
            flipped = criterion.points({**values, item.name: probe})
            if flipped is not None and flipped != points:
                cut = cutoffs_for(item.name)
                return (f"borderline: {item.label} {item.display()} has the measurement range "
                        f"{format_number(item.low, cut)}-{format_number(item.high, cut)}; at {format_number(probe, cut)} "
                        f"this item would score {flipped} instead of {points}")
    return ""


def _scored(name: str, test: Callable[[Any], bool], points: int) -> Rule:
    def rule(values: Values) -> int | None:
        value = values.get(name)
        return None if value is None else (points if test(value) else 0)
    return rule


def flag(key: str, label: str, name: str, *, points: int = 1, description: str = "") -> Criterion:
    """``points`` when the yes/no input ``name`` is yes."""
    return Criterion(key, label, (name,), _scored(name, lambda v: parse_yes_no(v) is True, points), points, description)


def equals(key: str, label: str, name: str, target: Any, *, points: int = 1, description: str = "") -> Criterion:
    """``points`` when the input ``name`` equals ``target`` (e.g. differentiation == "poor")."""
    return Criterion(key, label, (name,), _scored(name, lambda v: v == target, points), points, description)


def more_than(key: str, label: str, name: str, cutoff: float, *, points: int = 1, description: str = "") -> Criterion:
    """``points`` when ``name > cutoff`` (strictly; the cut-off itself scores 0)."""
    return Criterion(key, label, (name,), _scored(name, lambda v: v > cutoff, points), points, description, cutoffs=(cutoff,))


def at_least(key: str, label: str, name: str, cutoff: float, *, points: int = 1, description: str = "") -> Criterion:
    """``points`` when ``name >= cutoff`` (the cut-off itself scores)."""
    return Criterion(key, label, (name,), _scored(name, lambda v: v >= cutoff, points), points, description, cutoffs=(cutoff,))


def interval_below(key: str, months: float, *, points: int = 1, at_cutoff: str = "") -> Criterion:
    """``points`` when the disease-free interval is < ``months``; synchronous metastases count.

    A synchronous presentation (any yes spelling: true, 1, 1.0, yes) scores without an
    interval; a metachronous (or unstated) one needs the interval in months. ``at_cutoff``
    is said when the interval is exactly ``months`` (where the sources differ).
    """
    def rule(values: Values) -> int | None:
        if parse_yes_no(values.get("synchronous")) is True:
            return points
        interval = values.get("disease_free_interval_months")
        return None if interval is None else (points if interval < months else 0)

    def caveat(values: Values) -> str:
        exact = parse_yes_no(values.get("synchronous")) is not True and values.get("disease_free_interval_months") == months
        return at_cutoff if exact else ""

    return Criterion(key, f"Disease-free interval < {format_number(months)} months (synchronous counts)",
                     ("synchronous", "disease_free_interval_months"), rule, points,
                     f"Interval from the primary to the liver metastases shorter than {format_number(months)} "
                     "months; synchronous metastases count as such.", cutoffs=(months,),
                     caveat=caveat if at_cutoff else None)


def shown(key: str, label: str, name: str, description: str = "", *, required: bool = True) -> Criterion:
    """An input shown as an item of a value score (no points of its own)."""
    return Criterion(key, label, (name,), None, 0, description, required)
