"""Clinical inputs of one patient (clinical-spec section 4), validated, with JSON round trip.

One table, :data:`FIELDS`, describes every input (label, unit, allowed values, group), so
the form, the report and the validation messages are generated from the same source.
Every input may be unknown (``None``); a score that needs it then says so, it never guesses.

Image-derived items (lesion count, TLVR, largest diameter, TTV, ...) are measured by the
engine, not stored here; a value typed by hand for one of them is an :class:`Override`
kept in ``ClinicalData.overrides`` (the measured value stays with the measurements, and
:func:`cned_viewer.scores.inputs.build_inputs` keeps both and the origin).

>>> data = ClinicalData(differentiation="poor", cea_ng_ml="12.5")
>>> data.cea_ng_ml
12.5
>>> ClinicalData.from_dict(data.to_dict()) == data
True
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from cned_viewer.core.cells import AmbiguousNumber, CellError, DecimalMark, parse_decimal, parse_yes_no
from cned_viewer.core.formatting import format_value
from cned_viewer.errors import UserError

SCHEMA_VERSION = 1

Kind = Literal["choice", "flag", "number", "integer", "text"]

#: Form groups, in display order: key -> heading.
GROUPS: dict[str, str] = {
    "patient": "Patient",
    "pathology": "Primary tumour (pathology)",
    "history": "Disease history",
    "labs": "Laboratory",
    "molecular": "Molecular profile",
    "treatment": "Treatment plan",
    "liver": "Liver reserve (resection planning)",
    "imaging": "Imaging (measured; may be overridden by hand)",
}

#: Words read as "unknown" in any field (case-insensitive), besides an empty text.
UNKNOWN_WORDS = frozenset({"unknown", "na", "n/a"})


@dataclass(frozen=True)
class Plausible:
    """Where a value is plausible, and the likely mistake when it is not (``source``: why these limits)."""

    low: float | None = None
    high: float | None = None
    below: str = ""
    above: str = ""
    source: str = ""

    def check(self, value: float) -> str:
        """Empty when ``value`` is plausible, else what is wrong and the likely unit mistake."""
        if self.low is not None and value < self.low:
            return f"below the plausible {self.text()}" + (f"; {self.below}" if self.below else "")
        if self.high is not None and value > self.high:
            return f"above the plausible {self.text()}" + (f"; {self.above}" if self.above else "")
        return ""

    def text(self) -> str:
        if self.low is not None and self.high is not None:
            return f"range {self.low:g}-{self.high:g}"
        return f"minimum {self.low:g}" if self.low is not None else f"maximum {self.high:g}"


@dataclass(frozen=True)
class Choice:
    """One allowed value: what is stored, what is shown, and other spellings accepted."""

    value: Any
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldSpec:
    """Metadata of one input: everything the form, the report and the validation need."""

    name: str
    label: str
    group: str
    kind: Kind
    unit: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    plausible: Plausible | None = None

    @property
    def image_derived(self) -> bool:
        """True for items measured on the image (they are overridden, not typed)."""
        return self.group == "imaging"

    def allowed_text(self) -> str:
        """The allowed values in words, for messages and form tooltips."""
        if self.kind in ("choice", "flag"):
            shown = [f"{_choice_token(c)} ({c.label})" if self.kind == "flag" else str(c.value) for c in self.choices]
            return ", ".join(shown) + ", or unknown (empty)"
        if self.kind == "text":
            return "free text, or empty"
        what = "a whole number" if self.kind == "integer" else "a number"
        return f"{what}{_unit_text(self.unit)}{_range_text(self)}, or unknown (empty)"

    def parse(self, raw: Any, decimal: DecimalMark | None = None) -> Any:
        """The validated value of ``raw`` (``None`` for unknown); :class:`UserError` if invalid.

        ``decimal``: the decimal mark of typed numbers when stated (``None``: an ambiguous
        number such as ``1,200`` is refused, see :func:`cned_viewer.core.cells.parse_decimal`).
        """
        if raw is None or isinstance(raw, float) and math.isnan(raw) and self.kind != "text":
            return None
        if isinstance(raw, str) and (raw.strip() == "" or raw.strip().lower() in UNKNOWN_WORDS):
            return None
        if self.kind in ("number", "integer"):
            return _parse_number(self, raw, decimal, self.kind == "integer")
        parser = {"choice": _parse_choice, "flag": _parse_flag, "text": _parse_text}[self.kind]
        return parser(self, raw)

    def display(self, value: Any, cutoffs: tuple[float, ...] = ()) -> str:
        """``value`` as a clinician reads it (choice labels, units; never rounded across ``cutoffs``)."""
        if value is None:
            return "unknown"
        for choice in self.choices:
            if choice.value == value and type(choice.value) is type(value):
                return choice.label
        if isinstance(value, float):
            value = format_value(value, cutoffs)
        return f"{value} {self.unit}".rstrip() if self.unit and self.kind != "text" else str(value)

    def plausibility(self, value: Any, origin: str = "typed") -> str:
        """A warning when a known number lies outside its plausible range ("" otherwise).

        ``origin`` ``"image"`` (measured) names the mask and spacing instead of a typing mistake.
        """
        if self.plausible is None or not isinstance(value, int | float) or isinstance(value, bool):
            return ""
        problem = self.plausible.check(float(value))
        if not problem:
            return ""
        if origin == "image":
            problem = problem.split("; ")[0] + "; check the mask and the image spacing"
        return f"{self.label} {self.display(value)} is {problem} (accepted; check it)"


def _choice_token(choice: Choice) -> str:
    return {True: "1", False: "0"}.get(choice.value, str(choice.value)) if isinstance(choice.value, bool) else str(choice.value)


def _unit_text(unit: str) -> str:
    return f" in {unit}" if unit else ""


def _range_text(spec: FieldSpec) -> str:
    if spec.minimum is not None and spec.maximum is not None:
        return f" from {spec.minimum:g} to {spec.maximum:g}"
    if spec.minimum is not None:
        return f", at least {spec.minimum:g}"
    return ""


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def _invalid(spec: FieldSpec, raw: Any) -> UserError:
    return UserError(f"{spec.label} must be {spec.allowed_text()}; got {raw!r}")


def _parse_choice(spec: FieldSpec, raw: Any) -> Any:
    if isinstance(raw, str):
        key = _normalise(raw)
        for choice in spec.choices:
            if key in {_normalise(str(choice.value)), _normalise(choice.label), *map(_normalise, choice.aliases)}:
                return choice.value
    raise _invalid(spec, raw)


def _parse_flag(spec: FieldSpec, raw: Any) -> bool:
    value = parse_yes_no(raw)
    if value is not None:
        return value
    if isinstance(raw, str):
        return bool(_parse_choice(spec, raw))
    raise _invalid(spec, raw)


def _parse_number(spec: FieldSpec, raw: Any, decimal: DecimalMark | None, integer: bool) -> float | int:
    value: float | None = None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = float(raw) if math.isfinite(raw) else None
    elif isinstance(raw, str):
        try:
            value = parse_decimal(raw, decimal)
        except AmbiguousNumber as error:
            raise UserError(f"{spec.label}: {error}") from None
        except CellError:
            value = None
    if value is None:
        raise _invalid(spec, raw)
    if (spec.minimum is not None and value < spec.minimum) or (spec.maximum is not None and value > spec.maximum):
        raise _invalid(spec, raw)
    if integer:
        if not value.is_integer():
            raise _invalid(spec, raw)
        return int(value)
    return value


def _parse_text(spec: FieldSpec, raw: Any) -> str:
    if not isinstance(raw, str):
        raise _invalid(spec, raw)
    return raw.strip()


def _yes_no(true_label: str, false_label: str, *, true_aliases: tuple[str, ...] = (),
            false_aliases: tuple[str, ...] = ()) -> tuple[Choice, ...]:
    return (Choice(True, true_label, true_aliases), Choice(False, false_label, false_aliases))


_MUTATED = _yes_no("mutated", "wild-type", true_aliases=("mut", "mutant"),
                   false_aliases=("wt", "wild type", "wildtype"))
_PRESENT = _yes_no("present", "absent")
_PT_STAGES = tuple(Choice(t, f"p{t}", (t.lower(),)) for t in ("Tis", "T1", "T2", "T3", "T4", "T4a", "T4b"))

# Why each plausible range (clinical-spec sections 2-3; where no cohort gives a limit, it is said so).
_ADULTS = "the score cohorts (Fong 1999, Nordlinger 1996, Li 2022) are adults; above 100 years is exceptional"
_DFI = "an interval over 20 years (240 months) is exceptional; Fong and Nordlinger cut at 12 and 24 months"
_CEA = ("Fong 1999 and Li 2022 cut at 200 ng/mL; a serum CEA over 10,000 ng/mL is exceptional (a limit set by this "
        "app, not a cohort figure)")
_CA19_9 = "Li 2022 cut at 200 U/mL; over 50,000 U/mL is exceptional (a limit set by this app, not a cohort figure)"
_COUNT = "Li 2022 (C-NED): number of metastases 1-100 (median 8)"
_DIAMETER = ("Fong, Nordlinger and m-CS cut at 5 cm, Li 2022 reports > 6 cm; a liver metastasis over 30 cm does not "
             "fit in an adult liver")
_TLVR = "Li 2022 (C-NED): median TLVR 0.13, cut-off 0.23; above 0.9 the liver would be almost all tumour"
_TTV = "CAIRO5 (Zeeuw): median baseline TTV 48 mL (IQR 17-178); over 5000 mL exceeds a whole liver"
_BODY = "adult height 120-220 cm and weight 30-250 kg; outside them a unit mistake is likelier (a limit set by this app)"
_CYCLES = "a first-line course is 6-12 cycles; over 30 cycles is exceptional (a limit set by this app)"
_LIVER = "Li 2022 (C-NED): median total liver volume 1617 mL; an adult liver under 500 or over 6000 mL is exceptional"

#: Every input, in form order within each group. Names carry their unit.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("age_years", "Age", "patient", "number", "years", minimum=0, maximum=120,
              plausible=Plausible(18, 100, below="months typed as years, or not an adult?", source=_ADULTS)),
    FieldSpec("sex", "Sex", "patient", "choice", choices=(Choice("female", "female", ("f",)), Choice("male", "male", ("m",)))),
    FieldSpec("ecog", "ECOG performance status", "patient", "integer", minimum=0, maximum=5),
    FieldSpec("height_cm", "Height", "patient", "number", "cm", minimum=0, help="For the body surface area (Mosteller) of the sFLR.",
              plausible=Plausible(120, 220, below="inches or metres typed as cm?", above="mm typed as cm?", source=_BODY)),
    FieldSpec("weight_kg", "Weight", "patient", "number", "kg", minimum=0, help="For the body surface area (Mosteller) of the sFLR.",
              plausible=Plausible(30, 250, above="pounds typed as kg?", source=_BODY)),
    FieldSpec("primary_site", "Primary site", "pathology", "choice",
              choices=(Choice("right_colon", "right colon"), Choice("left_colon", "left colon"), Choice("rectum", "rectum"))),
    FieldSpec("differentiation", "Differentiation of the primary", "pathology", "choice",
              choices=(Choice("well", "well", ("well differentiated", "G1")),
                       Choice("moderate", "moderate", ("moderately differentiated", "G2")),
                       Choice("poor", "poor", ("poorly differentiated", "G3")))),
    FieldSpec("pt_stage", "pT stage of the primary", "pathology", "choice", choices=_PT_STAGES),
    FieldSpec("pt4", "Serosal invasion of the primary (pT4)", "pathology", "flag", choices=_yes_no("pT4", "not pT4"),
              help="Derived from the pT stage when that is given; set it alone when only this is known."),
    FieldSpec("node_positive", "Node-positive primary (pN+)", "pathology", "flag",
              choices=_yes_no("node-positive", "node-negative", true_aliases=("pN+", "N+"), false_aliases=("pN0", "N0"))),
    FieldSpec("synchronous", "Timing of liver metastases", "history", "flag",
              choices=_yes_no("synchronous", "metachronous")),
    FieldSpec("disease_free_interval_months", "Disease-free interval (primary to liver metastases)", "history",
              "number", "months", minimum=0,
              plausible=Plausible(None, 240, above="days or weeks typed as months?", source=_DFI)),
    FieldSpec("extrahepatic_disease", "Extrahepatic disease", "history", "flag", choices=_PRESENT),
    FieldSpec("cea_ng_ml", "CEA", "labs", "number", "ng/mL (= µg/L)", minimum=0, help="Preoperative / baseline serum CEA.",
              plausible=Plausible(None, 10_000, above="pg/mL or ng/L typed as ng/mL, or a thousands separator misread?",
                                  source=_CEA)),
    FieldSpec("ca19_9_u_ml", "CA19-9", "labs", "number", "U/mL", minimum=0,
              plausible=Plausible(None, 50_000, above="U/L typed as U/mL (1 U/mL = 1000 U/L)?", source=_CA19_9)),
    FieldSpec("kras_mutated", "KRAS", "molecular", "flag", choices=_MUTATED),
    FieldSpec("nras_mutated", "NRAS", "molecular", "flag", choices=_MUTATED),
    FieldSpec("ras_mutated", "RAS (KRAS or NRAS)", "molecular", "flag", choices=_MUTATED,
              help="Derived from KRAS / NRAS when those are given; set it alone when only this is known."),
    FieldSpec("braf_v600e_mutated", "BRAF V600E", "molecular", "flag", choices=_MUTATED),
    FieldSpec("tp53_mutated", "TP53", "molecular", "flag", choices=_MUTATED),
    FieldSpec("smad4_mutated", "SMAD4", "molecular", "flag", choices=_MUTATED),
    FieldSpec("msi_status", "MSI / MMR status", "molecular", "choice",
              choices=(Choice("msi_high", "MSI-H / dMMR", ("msi h", "dmmr", "msi")), Choice("mss", "MSS / pMMR", ("pmmr",)))),
    FieldSpec("planned_regimen", "Planned first-line regimen", "treatment", "text"),
    FieldSpec("chemotherapy_cycles", "Chemotherapy cycles before resection", "liver", "integer", minimum=0,
              help="Cycles given before the planned resection. More than 6 (about 12 weeks of a 2-weekly regimen; Kishi "
                   "2009: > 12 weeks) is extensive chemotherapy: the future liver remnant then needs >= 30 %.",
              plausible=Plausible(None, 30, above="days or weeks typed as cycles?", source=_CYCLES)),
    FieldSpec("cirrhosis", "Cirrhosis", "liver", "flag", choices=_PRESENT,
              help="Cirrhotic liver: the future liver remnant needs >= 40 %."),
    FieldSpec("steatosis", "Steatosis / chemotherapy-associated liver injury", "liver", "flag", choices=_PRESENT,
              help="Injured (steatotic) liver: the future liver remnant needs >= 30 %."),
    FieldSpec("lesion_count", "Number of liver metastases", "imaging", "integer", minimum=0,
              plausible=Plausible(None, 100, above="slices or voxels counted instead of metastases?", source=_COUNT)),
    FieldSpec("largest_diameter_cm", "Largest metastasis diameter", "imaging", "number", "cm", minimum=0,
              help="Measured: the largest axial in-plane (RECIST-style) diameter, unless the Feret diameter is chosen.",
              plausible=Plausible(None, 30, above="mm typed as cm?", source=_DIAMETER)),
    FieldSpec("tlvr", "TLVR", "imaging", "number", minimum=0, maximum=1,
              help="Tumour-to-liver volume ratio: total tumour volume / total liver volume (organ including tumours). "
                   "A fraction: 23 % is 0.23.",
              plausible=Plausible(None, 0.9, above="TTV / parenchyma, or a liver without parenchyma labelled?",
                                  source=_TLVR)),
    FieldSpec("ttv_ml", "Total tumour volume (TTV), baseline", "imaging", "number", "mL", minimum=0,
              plausible=Plausible(None, 5000, above="mm³ typed as mL (1 mL = 1000 mm³)?", source=_TTV)),
    FieldSpec("ttv_followup_ml", "Total tumour volume after induction therapy", "imaging", "number", "mL", minimum=0,
              plausible=Plausible(None, 5000, above="mm³ typed as mL (1 mL = 1000 mm³)?", source=_TTV)),
    FieldSpec("total_liver_ml", "Total liver volume", "imaging", "number", "mL", minimum=0,
              plausible=Plausible(500, 6000, below="litres typed as mL (1 L = 1000 mL)?",
                                  above="mm³ typed as mL (1 mL = 1000 mm³)?", source=_LIVER)),
    FieldSpec("bilobar", "Bilobar disease", "imaging", "flag", choices=_PRESENT),
)

#: Field name -> spec (read-only).
FIELDS_BY_NAME: Mapping[str, FieldSpec] = MappingProxyType({spec.name: spec for spec in FIELDS})
CLINICAL_FIELDS: tuple[FieldSpec, ...] = tuple(s for s in FIELDS if not s.image_derived)
IMAGE_FIELDS: tuple[FieldSpec, ...] = tuple(s for s in FIELDS if s.image_derived)


def field_spec(name: str) -> FieldSpec:
    """The :class:`FieldSpec` called ``name``; :class:`UserError` naming the closest one if unknown."""
    try:
        return FIELDS_BY_NAME[name]
    except KeyError:
        raise UserError(f"unknown clinical field {name!r}{_did_you_mean(name, FIELDS_BY_NAME)}") from None


def _did_you_mean(name: str, known: Mapping[str, Any] | tuple[str, ...]) -> str:
    close = [k for k in known if k.startswith(f"{name}_")] or difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Override:
    """A value typed by hand for an image-derived item, with why (shown in the report)."""

    value: Any
    note: str = ""


@dataclass(frozen=True)
class ClinicalData:
    """The clinical inputs of one patient; ``None`` everywhere means unknown.

    Values are validated and normalised on construction (``"12,5"`` -> ``12.5``, ``"G3"``
    -> ``"poor"``, ``"yes"`` -> ``True``); invalid ones raise :class:`UserError`. Edit with
    :func:`dataclasses.replace` or :meth:`with_override`.
    """

    age_years: float | None = None
    sex: str | None = None
    ecog: int | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    primary_site: str | None = None
    differentiation: str | None = None
    pt_stage: str | None = None
    pt4: bool | None = None
    node_positive: bool | None = None
    synchronous: bool | None = None
    disease_free_interval_months: float | None = None
    extrahepatic_disease: bool | None = None
    cea_ng_ml: float | None = None
    ca19_9_u_ml: float | None = None
    kras_mutated: bool | None = None
    nras_mutated: bool | None = None
    ras_mutated: bool | None = None
    braf_v600e_mutated: bool | None = None
    tp53_mutated: bool | None = None
    smad4_mutated: bool | None = None
    msi_status: str | None = None
    planned_regimen: str | None = None
    chemotherapy_cycles: int | None = None
    cirrhosis: bool | None = None
    steatosis: bool | None = None
    overrides: Mapping[str, Override] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for spec in CLINICAL_FIELDS:
            object.__setattr__(self, spec.name, spec.parse(getattr(self, spec.name)))
        object.__setattr__(self, "overrides", _parse_overrides(self.overrides))
        self._check_consistency()

    def _check_consistency(self) -> None:
        staged_t4 = None if self.pt_stage is None else self.pt_stage.startswith("T4")
        if self.pt4 is not None and staged_t4 is not None and self.pt4 != staged_t4:
            raise UserError(f"pT stage p{self.pt_stage} contradicts pT4 = {'yes' if self.pt4 else 'no'}; correct one of them")
        if self.ras_mutated is False and (self.kras_mutated or self.nras_mutated):
            raise UserError("RAS is wild-type but KRAS or NRAS is mutated; correct one of them")

    @property
    def pt4_effective(self) -> bool | None:
        """pT4 as given, else derived from the pT stage, else unknown."""
        if self.pt4 is not None or self.pt_stage is None:
            return self.pt4
        return self.pt_stage.startswith("T4")

    @property
    def ras_mutated_effective(self) -> bool | None:
        """RAS as given, else mutated if KRAS or NRAS is, wild-type if both are, else unknown."""
        if self.ras_mutated is not None:
            return self.ras_mutated
        if self.kras_mutated or self.nras_mutated:
            return True
        if self.kras_mutated is False and self.nras_mutated is False:
            return False
        return None

    def warnings(self) -> list[str]:
        """One line per typed value (clinical or override) outside its plausible range."""
        values = [(spec, getattr(self, spec.name)) for spec in CLINICAL_FIELDS]
        values += [(FIELDS_BY_NAME[name], o.value) for name, o in self.overrides.items()]
        return [w for spec, value in values if (w := spec.plausibility(value))]

    def with_override(self, name: str, value: Any, note: str = "") -> ClinicalData:
        """A copy with ``value`` typed by hand for the image item ``name``."""
        return replace(self, overrides={**self.overrides, name: Override(value, note)})

    def without_override(self, name: str) -> ClinicalData:
        """A copy where the image item ``name`` uses its measured value again."""
        return replace(self, overrides={k: v for k, v in self.overrides.items() if k != name})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: ``schema_version``, every field (``null`` = unknown), ``overrides``."""
        out: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
        out.update({spec.name: getattr(self, spec.name) for spec in CLINICAL_FIELDS})
        out["overrides"] = {name: {"value": o.value, "note": o.note} for name, o in self.overrides.items()}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClinicalData:
        """Read :meth:`to_dict` output (or a hand-written subset of it); unknown keys are errors."""
        if not isinstance(data, Mapping):
            raise UserError(f"clinical data must be a JSON object of field: value, got {type(data).__name__}")
        version = data.get("schema_version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            raise UserError(f"clinical data has schema_version {version!r}; this version of CNED Viewer reads "
                            f"{SCHEMA_VERSION}; update CNED Viewer or re-export the file")
        values = {k: v for k, v in data.items() if k not in ("schema_version", "overrides")}
        for key in values:
            if key in FIELDS_BY_NAME and FIELDS_BY_NAME[key].image_derived:
                raise UserError(f"{key!r} is measured on the image; to type it by hand put it under \"overrides\"")
            if key not in FIELDS_BY_NAME:
                raise UserError(f"unknown clinical field {key!r}{_did_you_mean(key, FIELDS_BY_NAME)}")
        return cls(**values, overrides=data.get("overrides") or {})

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ClinicalData:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"clinical data is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
        return cls.from_dict(data)


def _parse_overrides(raw: Any) -> dict[str, Override]:
    if not isinstance(raw, Mapping):
        raise UserError("overrides must be an object of image item: value (or {\"value\": ..., \"note\": ...})")
    parsed: dict[str, Override] = {}
    for name, item in raw.items():
        spec = FIELDS_BY_NAME.get(name)
        if spec is None or not spec.image_derived:
            names = tuple(s.name for s in IMAGE_FIELDS)
            raise UserError(f"{name!r} cannot be overridden; image items are {', '.join(names)}{_did_you_mean(name, names)}")
        if isinstance(item, Override):
            value, note = item.value, item.note
        elif isinstance(item, Mapping):
            value, note = item.get("value"), item.get("note", "")
        else:
            value, note = item, ""
        value = spec.parse(value)
        if value is None:
            raise UserError(f"the override of {spec.label} is empty; remove it to use the measured value")
        parsed[name] = Override(value, "" if note is None else str(note))
    return parsed

