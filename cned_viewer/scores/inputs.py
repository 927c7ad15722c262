"""Score inputs from clinical data and the measurement engine's JSON, each with its origin.

:func:`build_inputs` is the one entry point: clinical fields become ``typed`` (or
``missing``) inputs; image items come from the measurements (``image``), from a hand
override of a measured value (``override``, both values kept) or from a value typed where
nothing was measured (``typed``). Measurement JSON keys: ``lesion_count``, ``tlvr``,
``tlvr_low``, ``tlvr_high``, ``ttv_ml``, ``total_liver_ml``, ``bilobar``, optional
``<item>_low`` / ``<item>_high`` sensitivity ranges (e.g. ``lesion_count_low``), and
``lesions``: objects with ``axial_diameter_mm`` and ``feret_diameter_mm`` (a lesion with
``"tiny": true`` is not counted, as in ``lesion_count``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from cned_viewer.core.clinical import CLINICAL_FIELDS, FIELDS_BY_NAME, IMAGE_FIELDS, ClinicalData, FieldSpec, Override
from cned_viewer.errors import UserError
from cned_viewer.scores.results import InputValue, format_number

DiameterSource = Literal["axial", "feret"]
_DIAMETER_KEYS: dict[str, tuple[str, str]] = {
    "axial": ("axial_diameter_mm", "largest axial in-plane (RECIST-style) diameter"),
    "feret": ("feret_diameter_mm", "largest 3D (Feret) diameter"),
}
_MEASURED_DIRECTLY = ("lesion_count", "tlvr", "ttv_ml", "total_liver_ml", "bilobar")
_LESION_DIAMETER = FieldSpec("lesion_diameter_mm", "A lesion diameter", "imaging", "number", "mm", minimum=0)


@dataclass(frozen=True)
class Measured:
    """A value read from measurement JSON, with its sensitivity range and how it was obtained."""

    value: Any
    low: float | None = None
    high: float | None = None
    note: str = ""


def build_inputs(
    clinical: ClinicalData | None,
    measurements: Mapping[str, Any] | None = None,
    followup: Mapping[str, Any] | None = None,
    *,
    diameter: DiameterSource = "axial",
) -> dict[str, InputValue]:
    """Every score input by name (clinical and image items), each with value and origin.

    ``measurements`` is the baseline scan's measurement JSON (``None``: nothing measured),
    ``followup`` that of the first scan after induction therapy (gives ``ttv_followup_ml``).
    ``diameter`` picks the lesion diameter used as "largest diameter" (default axial).
    """
    clinical = clinical or ClinicalData()
    inputs = {spec.name: _typed(spec.name, _clinical_value(clinical, spec.name)) for spec in CLINICAL_FIELDS}
    measured = measured_items(measurements, followup, diameter=diameter)
    for spec in IMAGE_FIELDS:
        inputs[spec.name] = combine(spec.name, measured.get(spec.name), clinical.overrides.get(spec.name))
    count, largest = inputs["lesion_count"], inputs["largest_diameter_cm"]
    if largest.origin == "image" and largest.value == 0 and count.value != 0:
        # 0.0 cm only stands for "no lesions": with a count that is not 0 (overridden) it is unknown
        inputs["largest_diameter_cm"] = InputValue("largest_diameter_cm", note="no lesion measured on the image but "
                                                   f"the lesion count is {count.display()}; type the largest diameter")
    return inputs


def _clinical_value(clinical: ClinicalData, name: str) -> tuple[Any, str]:
    if name == "pt4" and clinical.pt4 is None and clinical.pt_stage is not None:
        return clinical.pt4_effective, f"from pT stage p{clinical.pt_stage}"
    if name == "ras_mutated" and clinical.ras_mutated is None and clinical.ras_mutated_effective is not None:
        return clinical.ras_mutated_effective, "from KRAS / NRAS"
    return getattr(clinical, name), ""


def _typed(name: str, value_note: tuple[Any, str]) -> InputValue:
    value, note = value_note
    if value is None:
        return InputValue(name)
    return InputValue(name, value, "typed", typed_value=value, note=note)


def combine(name: str, measured: Measured | None, override: Override | None) -> InputValue:
    """One image item from its measurement and its hand override (either may be absent).

    An override wins and keeps the measured value beside it; the measurement's sensitivity
    range applies to the measured value only, so it is dropped when overridden.
    """
    image = None if measured is None else measured.value
    if override is not None:
        note = "; ".join(filter(None, [f"set by hand: {override.note}" if override.note else "set by hand",
                                      measured.note if measured and image is not None else ""]))
        return InputValue(name, override.value, "override" if image is not None else "typed",
                          image_value=image, typed_value=override.value, note=note)
    if image is None:
        return InputValue(name, note="" if measured is None else measured.note)
    return InputValue(name, image, "image", image_value=image, low=measured.low, high=measured.high,
                      note=measured.note)


def measured_items(
    measurements: Mapping[str, Any] | None,
    followup: Mapping[str, Any] | None = None,
    *,
    diameter: DiameterSource = "axial",
) -> dict[str, Measured]:
    """The image items found in measurement JSON; :class:`UserError` for malformed values."""
    out: dict[str, Measured] = {}
    if measurements is not None:
        _require_object(measurements, "measurements")
        for name in _MEASURED_DIRECTLY:
            out[name] = _direct(name, measurements, "measurements")
        out["largest_diameter_cm"] = largest_diameter(measurements, diameter)
    if followup is not None:
        _require_object(followup, "follow-up measurements")
        followup_ttv = _direct("ttv_ml", followup, "follow-up measurements")
        out["ttv_followup_ml"] = Measured(followup_ttv.value, note="TTV on the follow-up scan")
    return out


def _require_object(data: Any, what: str) -> None:
    if not isinstance(data, Mapping):
        raise UserError(f"{what} must be a JSON object as written by the measurement engine, got {type(data).__name__}")


def _spec(name: str) -> FieldSpec:
    return next(spec for spec in IMAGE_FIELDS if spec.name == name)


def _parse(spec: FieldSpec, raw: Any, key: str, what: str) -> Any:
    try:
        return spec.parse(raw)
    except UserError as exc:
        raise UserError(f"{what}: {key!r}: {exc}") from None


def _direct(name: str, data: Mapping[str, Any], what: str) -> Measured:
    spec = _spec(name)
    value = _parse(spec, data.get(name), name, what)
    low = _parse(spec, data.get(f"{name}_low"), f"{name}_low", what)
    high = _parse(spec, data.get(f"{name}_high"), f"{name}_high", what)
    if (low is None) != (high is None):
        raise UserError(f"{what}: give both {name}_low and {name}_high, or neither")
    if low is not None and value is not None and not low <= value <= high:
        raise UserError(f"{what}: {name} {format_number(value)} lies outside its range "
                        f"{format_number(low)}-{format_number(high)}; re-run the measurement")
    note = f"measured, sensitivity range {format_number(low)}-{format_number(high)}" if low is not None else "measured"
    return Measured(value, low, high, note if value is not None else "")


def largest_diameter(measurements: Mapping[str, Any], source: DiameterSource = "axial") -> Measured:
    """Largest lesion diameter in cm from ``lesions`` (``source``: axial or Feret, both in mm)."""
    key, words = _DIAMETER_KEYS[source]
    lesions = measurements.get("lesions")
    if lesions is None:
        return Measured(None)
    if not isinstance(lesions, list):
        raise UserError("measurements: 'lesions' must be a list of lesion objects")
    diameters_mm = []
    for number, lesion in enumerate(lesions, start=1):
        if not isinstance(lesion, Mapping):
            raise UserError(f"measurements: lesion {number} must be an object")
        if lesion.get("tiny") is True:
            continue
        value = _parse(_LESION_DIAMETER, lesion.get(key), f"lesions[{number}].{key}", "measurements")
        if value is None:
            return Measured(None, note=f"{words} missing for lesion {number}")
        diameters_mm.append(value)
    if not diameters_mm:
        count = measurements.get("lesion_count")
        if count is None:
            return Measured(None, note="lesion count unknown, so the largest diameter is unknown too")
        if count != 0:
            return Measured(None, note="lesion_count is not 0 but no lesion diameters were given")
        return Measured(0.0, note="no lesions measured")
    return Measured(max(diameters_mm) / 10.0, note=f"{words} over {len(diameters_mm)} lesion(s), in cm")


def typed_inputs(values: Mapping[str, Any]) -> dict[str, InputValue]:
    """Inputs from plain values, all ``typed`` (``None`` = missing): what-if previews, tests, plugins.

    Values of known fields are parsed as the form parses them (``synchronous: 1`` is yes).
    """
    out = {}
    for name, raw in values.items():
        spec = FIELDS_BY_NAME.get(name)
        value = spec.parse(raw) if spec is not None else raw
        out[name] = InputValue(name) if value is None else InputValue(name, value, "typed", typed_value=value)
    return out


def input_warnings(inputs: Mapping[str, InputValue]) -> list[str]:
    """One line per known input outside its plausible range (typed, overridden or measured)."""
    out = []
    for name, item in inputs.items():
        spec = FIELDS_BY_NAME.get(name)
        warning = "" if spec is None or item.value is None else spec.plausibility(item.value, item.origin)
        if warning:
            out.append(warning)
    return out
