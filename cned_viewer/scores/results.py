"""What a score returns: its inputs with their origin, its items, its total and group.

Incomplete scores: when an input a score needs is unknown, ``total`` and ``group`` are
``None`` (never a guess); ``missing`` names the inputs, and for point scores
``known_points`` / ``possible_totals`` say what the known items add up to and which totals
the missing ones still allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cned_viewer.core.clinical import FIELDS_BY_NAME as _FIELD_SPECS
from cned_viewer.core.formatting import format_value
from cned_viewer.scores.evidence import cutoffs_for

Origin = Literal["image", "typed", "override", "missing"]
ORIGINS: tuple[Origin, ...] = ("image", "typed", "override", "missing")


def format_number(value: Any, cutoffs: tuple[float, ...] = ()) -> str:
    """A number for people: 3 significant digits, more only where fewer would land on or cross a cut-off."""
    return format_value(value, cutoffs)


def short_name(label: str) -> str:
    """A field label inside a sentence: ``Differentiation of the primary`` -> ``differentiation of the primary``."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


@dataclass(frozen=True)
class InputValue:
    """One score input: the value used, where it came from, and both values when overridden.

    ``origin`` is ``"image"`` (measured), ``"typed"`` (entered by hand, nothing measured),
    ``"override"`` (a measured value replaced by hand: ``image_value`` and ``typed_value``
    both kept) or ``"missing"`` (``value is None``). ``low`` / ``high`` are the measurement's
    sensitivity range (image origin only); ``note`` says how the value was obtained.
    """

    name: str
    value: Any = None
    origin: Origin = "missing"
    image_value: Any = None
    typed_value: Any = None
    low: float | None = None
    high: float | None = None
    note: str = ""

    @property
    def label(self) -> str:
        spec = _FIELD_SPECS.get(self.name)
        return spec.label if spec else self.name

    @property
    def has_range(self) -> bool:
        return self.low is not None and self.high is not None

    def display(self, value: Any = ...) -> str:
        """``value`` (default: the value used) with its unit or choice label."""
        value = self.value if value is ... else value
        spec = _FIELD_SPECS.get(self.name)
        cutoffs = cutoffs_for(self.name)
        return spec.display(value, cutoffs) if spec else ("unknown" if value is None else format_number(value, cutoffs))

    def text(self, stated: str | None = None) -> str:
        """E.g. ``9 (override; image 8)``, ``0.25 (image, range 0.21-0.27)``, ``unknown``.

        ``stated``: the origin the reader already sees beside the value; it is not repeated
        (``poor``, not ``typed: poor (typed)``)."""
        if self.origin == "missing":
            return "unknown"
        if self.origin == "override":
            return f"{self.display()} (override; image {self.display(self.image_value)})"
        cutoffs = cutoffs_for(self.name)
        extra = f"range {format_number(self.low, cutoffs)}-{format_number(self.high, cutoffs)}" if self.has_range else ""
        if self.origin == stated:
            return f"{self.display()} ({extra})" if extra else self.display()
        return f"{self.display()} ({self.origin}{', ' + extra if extra else ''})"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "value": self.value, "origin": self.origin,
                "image_value": self.image_value, "typed_value": self.typed_value,
                "low": self.low, "high": self.high, "note": self.note}


ScoreInputs = Mapping[str, InputValue]


@dataclass(frozen=True)
class ItemResult:
    """One item of a score.

    ``points`` is ``None`` when the item cannot be decided (``missing`` names the unknown
    inputs) or when the item only shows an input of a value score (``max_points == 0``).
    ``borderline`` says how the item would change within the measurement sensitivity range;
    ``caveat`` says where the sources disagree about the value given (e.g. Fong's interval at 12 months).
    """

    key: str
    label: str
    description: str
    points: int | None
    max_points: int
    inputs: tuple[InputValue, ...]
    missing: tuple[str, ...] = ()
    borderline: str = ""
    required: bool = True
    caveat: str = ""

    @property
    def origin(self) -> Origin:
        """``missing`` if undecided, else the strongest origin among its known inputs."""
        if self.missing:
            return "missing"
        known = {i.origin for i in self.inputs if i.origin != "missing"}
        return next((o for o in ("override", "image", "typed") if o in known), "missing")

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "description": self.description, "points": self.points,
                "max_points": self.max_points, "origin": self.origin, "missing": list(self.missing),
                "borderline": self.borderline, "required": self.required, "caveat": self.caveat,
                "inputs": [i.to_dict() for i in self.inputs]}


@dataclass(frozen=True)
class ScoreResult:
    """The result of one score for one patient.

    ``total`` is the score (sum of item points, or the value of a value score such as TBS)
    and ``group`` its risk group; both are ``None`` while ``missing`` is not empty.
    ``sensitivity_totals`` is the (lowest, highest) total within the measurement ranges of
    image inputs, set only when it differs from ``total``. ``values`` holds derived numbers
    (e.g. the TTV change). ``cutoffs`` are the totals where a group starts (a shown total is
    never rounded onto or across one).
    """

    score_id: str
    name: str
    citation: str
    kind: Literal["points", "value"]
    total: float | None
    total_range: tuple[float, float | None]
    group: str | None
    items: tuple[ItemResult, ...]
    missing: tuple[str, ...] = ()
    known_points: int | None = None
    possible_totals: tuple[int, int] | None = None
    sensitivity_totals: tuple[float, float] | None = None
    borderline: tuple[str, ...] = ()
    unit: str = ""
    values: Mapping[str, float | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    cutoffs: tuple[float, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def is_borderline(self) -> bool:
        return bool(self.borderline)

    def missing_labels(self) -> tuple[str, ...]:
        return tuple(_FIELD_SPECS[n].label if n in _FIELD_SPECS else n for n in self.missing)

    @property
    def caveats(self) -> tuple[str, ...]:
        """Where the sources disagree about an input as given (one line per item concerned)."""
        return tuple(f"{item.label}: {item.caveat}" for item in self.items if item.caveat)

    def missing_text(self) -> str:
        """``differentiation of the primary missing`` (plain words; empty when complete)."""
        return " and ".join(short_name(label) for label in self.missing_labels()) + " missing" if self.missing else ""

    def range_text(self) -> str:
        """The totals still possible in plain words: ``1-2 of 3``, ``2 of 3``, or ``unknown``."""
        if self.possible_totals is None:
            return "unknown"
        low, high = self.possible_totals
        span = str(low) if low == high else f"{low}-{high}"
        return f"{span} of {format_number(self.total_range[1])}"

    def total_shown(self) -> str:
        """The total alone, for people (cut-off aware); empty when incomplete."""
        return "" if self.total is None else format_number(self.total, self.cutoffs)

    def total_text(self) -> str:
        """``2 / 3``, ``4.47``, or ``incomplete: 1-2 of 3 — differentiation of the primary missing``."""
        if self.total is None:
            return f"incomplete: {self.range_text()} — {self.missing_text()}" if self.missing else "incomplete"
        if self.kind == "points":
            return f"{self.total_shown()} / {format_number(self.total_range[1])}"
        return f"{self.total_shown()} {self.unit}".rstrip()

    def headline(self) -> str:
        """The result in plain words: ``C-NED 1-2 of 3 — differentiation missing``, ``C-NED 2 / 3 (group 2)``."""
        if self.total is None:
            return f"{self.name} {self.range_text()} — {self.missing_text()}" if self.missing else f"{self.name} incomplete"
        group = f" (group {self.group})" if self.group is not None else ""
        return f"{self.name} {self.total_text()}{group}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.score_id, "name": self.name, "citation": self.citation, "kind": self.kind,
                "total": self.total, "total_range": list(self.total_range), "unit": self.unit, "group": self.group,
                "complete": self.complete, "missing": list(self.missing), "known_points": self.known_points,
                "possible_totals": None if self.possible_totals is None else list(self.possible_totals),
                "sensitivity_totals": None if self.sensitivity_totals is None else list(self.sensitivity_totals),
                "borderline": list(self.borderline), "values": dict(self.values), "notes": list(self.notes),
                "caveats": list(self.caveats),
                "items": [i.to_dict() for i in self.items]}
