"""Every number of clinical-spec section 3 (and the score-related ones of sections 2 and 5).

This is the ONE place in the code holding them: the score definitions (cut-offs, points,
risk groups) and what each source reported, with its citation. Score modules import their
cut-offs from here; the panel and the report quote findings from here. Where the source
did not give a number, the finding is :func:`not_reported` - never an invented value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# --- Definitions: cut-offs, points and risk groups (clinical-spec section 3) ------------------
# Risk groups are (label, lowest total in the group), ascending.

CNED_LESION_COUNT_ABOVE = 8
CNED_TLVR_AT_LEAST = 0.23
CNED_GROUPS: tuple[tuple[str, float], ...] = (("0", 0), ("1", 1), ("2", 2), ("3", 3))

FONG_DFI_BELOW_MONTHS = 12
FONG_LESION_COUNT_ABOVE = 1
FONG_CEA_ABOVE_NG_ML = 200
FONG_DIAMETER_ABOVE_CM = 5.0
FONG_GROUPS: tuple[tuple[str, float], ...] = (("low", 0), ("high", 3))

TBS_ZONE_MIDDLE_FROM = 3
TBS_ZONE_HIGH_FROM = 9
TBS_ZONES: tuple[tuple[str, float], ...] = (
    (f"< {TBS_ZONE_MIDDLE_FROM}", 0),
    (f"{TBS_ZONE_MIDDLE_FROM} to < {TBS_ZONE_HIGH_FROM}", TBS_ZONE_MIDDLE_FROM),
    (f">= {TBS_ZONE_HIGH_FROM}", TBS_ZONE_HIGH_FROM),
)

GAME_CEA_AT_LEAST_NG_ML = 20
GAME_TBS_MIDDLE_POINTS = 1
GAME_TBS_HIGH_POINTS = 2
GAME_EXTRAHEPATIC_POINTS = 2
GAME_GROUPS: tuple[tuple[str, float], ...] = (("low", 0), ("medium", 2), ("high", 4))

MCS_DIAMETER_ABOVE_CM = 5.0

NORDLINGER_AGE_ABOVE_YEARS = 60
NORDLINGER_DFI_BELOW_MONTHS = 24
NORDLINGER_LESION_COUNT_AT_LEAST = 4
NORDLINGER_DIAMETER_ABOVE_CM = 5.0
NORDLINGER_GROUPS: tuple[tuple[str, float], ...] = (("low", 0), ("intermediate", 3), ("high", 5))

#: Fong's interval at exactly its cut-off: the two sources disagree (shown in the panel and report).
FONG_DFI_SOURCES_DIFFER = (f"at exactly {FONG_DFI_BELOW_MONTHS} months the sources differ: Fong 1999 counts an interval "
                           f"< {FONG_DFI_BELOW_MONTHS} months (0 points here), Xue et al. 2025 write <= "
                           f"{FONG_DFI_BELOW_MONTHS} months (1 point)")

#: Every cut-off each input is compared with, by input name. Human displays never round a value onto
#: or across one of these (:func:`cned_viewer.core.formatting.format_value`); a test checks that every
#: score criterion's cut-off is listed here.
INPUT_CUTOFFS: dict[str, tuple[float, ...]] = {
    "tlvr": (CNED_TLVR_AT_LEAST,),
    "lesion_count": (CNED_LESION_COUNT_ABOVE, FONG_LESION_COUNT_ABOVE, NORDLINGER_LESION_COUNT_AT_LEAST),
    "cea_ng_ml": (FONG_CEA_ABOVE_NG_ML, GAME_CEA_AT_LEAST_NG_ML),
    "largest_diameter_cm": (FONG_DIAMETER_ABOVE_CM, MCS_DIAMETER_ABOVE_CM, NORDLINGER_DIAMETER_ABOVE_CM),
    "disease_free_interval_months": (FONG_DFI_BELOW_MONTHS, NORDLINGER_DFI_BELOW_MONTHS),
    "age_years": (NORDLINGER_AGE_ABOVE_YEARS,),
}


def cutoffs_for(name: str) -> tuple[float, ...]:
    """The cut-offs the input ``name`` is compared with (empty for none)."""
    return INPUT_CUTOFFS.get(name, ())


# --- What the sources reported ------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A reported number with its interval; ``value is None`` means the source did not report it."""

    value: float | None
    unit: str = ""
    low: float | None = None
    high: float | None = None
    interval: str = "95 % CI"
    decimals: int = 1
    note: str = ""

    @property
    def reported(self) -> bool:
        return self.value is not None

    def text(self) -> str:
        """E.g. ``16.6 mo (95 % CI 12.6-20.6)``, ``not reported (not given in text)``."""
        if self.value is None:
            return f"not reported ({self.note})" if self.note else "not reported"
        unit = f" {self.unit}" if self.unit else ""
        out = f"{self.value:.{self.decimals}f}{unit}"
        if self.low is not None and self.high is not None:
            out += f" ({self.interval} {self.low:.{self.decimals}f} to {self.high:.{self.decimals}f})"
        return f"{out}, {self.note}" if self.note else out

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "low": self.low, "high": self.high,
                "interval": self.interval, "note": self.note, "text": self.text()}


def not_reported(note: str = "") -> Quantity:
    """A finding the source did not give (``note`` says what it gave instead, if anything)."""
    return Quantity(None, note=note)


@dataclass(frozen=True)
class Finding:
    """One reported result: a stable key, a label to show, and the quantity."""

    key: str
    label: str
    quantity: Quantity

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, **self.quantity.to_dict()}


@dataclass(frozen=True)
class GroupEvidence:
    """What the source reported for one score group."""

    group: str
    findings: tuple[Finding, ...]

    def get(self, key: str) -> Quantity:
        """The quantity of finding ``key`` (:func:`not_reported` if the group has none)."""
        return next((f.quantity for f in self.findings if f.key == key), not_reported())

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.group, "findings": [f.to_dict() for f in self.findings]}


@dataclass(frozen=True)
class ScoreEvidence:
    """The source of one score: citation, cohort, performance, per-group results, notes."""

    score_id: str
    citation: str
    cohort: str
    patients: int | None
    findings: tuple[Finding, ...] = ()
    groups: tuple[GroupEvidence, ...] = ()
    notes: tuple[str, ...] = ()

    def group(self, label: str | None) -> GroupEvidence | None:
        return next((g for g in self.groups if g.group == label), None)

    def get(self, key: str) -> Quantity:
        return next((f.quantity for f in self.findings if f.key == key), not_reported())

    def to_dict(self) -> dict[str, Any]:
        return {"score_id": self.score_id, "citation": self.citation, "cohort": self.cohort,
                "patients": self.patients, "findings": [f.to_dict() for f in self.findings],
                "groups": [g.to_dict() for g in self.groups], "notes": list(self.notes)}


def _percent(value: float, note: str = "", decimals: int = 1) -> Quantity:
    return Quantity(value, "%", decimals=decimals, note=note)


def _months(value: float, low: float, high: float, note: str = "") -> Quantity:
    return Quantity(value, "mo", low, high, note=note)


def _ratio(value: float, low: float | None = None, high: float | None = None) -> Quantity:
    return Quantity(value, "", low, high, decimals=3)


def _count(value: int, unit: str = "patients", note: str = "") -> Quantity:
    return Quantity(value, unit, decimals=0, note=note)


_CNED_PFS_2_3 = _months(9.7, 7.9, 11.6, note="groups 2-3 together")
_CNED_OS_2_3 = _months(27.7, 18.1, 37.3, note="groups 2-3 together")
_CNED_ORR_2_3 = _percent(24.1, note="groups 2-3 together")
_CNED_NOT_IN_TEXT = not_reported("not given in text; groups 1 and 2 together converted 50 of 143")


def _cned_group(group: str, patients: int, share: float, conversion: Quantity, conversion_external: Quantity,
                pfs: Quantity, os_: Quantity, orr: Quantity) -> GroupEvidence:
    return GroupEvidence(group, (
        Finding("patients", "Patients (internal cohort)", _count(patients)),
        Finding("patients_percent", "Share of the internal cohort", _percent(share)),
        Finding("conversion_percent", "Conversion to NED", conversion),
        Finding("conversion_external_percent", "Conversion to NED, external cohort", conversion_external),
        Finding("median_pfs_months", "Median PFS", pfs),
        Finding("median_os_months", "Median OS", os_),
        Finding("objective_response_percent", "Objective response rate", orr),
    ))


CNED = ScoreEvidence(
    score_id="cned",
    citation="Li et al., Am J Cancer Res 2022",
    cohort="internal cohort 215 (Sun Yat-sen University Cancer Center), external cohort 40",
    patients=215,
    findings=(
        Finding("external_patients", "External validation cohort", _count(40)),
        Finding("or_poor_differentiation", "OR for conversion failure: poorly differentiated primary",
                _ratio(3.496, 1.490, 8.825)),
        Finding("or_lesion_count", f"OR for conversion failure: > {CNED_LESION_COUNT_ABOVE} liver metastases",
                _ratio(3.107, 1.511, 6.544)),
        Finding("or_tlvr", f"OR for conversion failure: TLVR >= {CNED_TLVR_AT_LEAST}", _ratio(2.706, 1.124, 6.755)),
        Finding("c_index_internal", "C-index, internal cohort", _ratio(0.734, 0.668, 0.800)),
        Finding("c_index_external", "C-index, external cohort", _ratio(0.736, 0.566, 0.907)),
        Finding("conversion_overall_percent", "Overall conversion to NED",
                _percent(44.2, note="95 of 215 patients")),
        Finding("conversion_overall_patients", "Patients converted to NED", _count(95, note="of 215")),
        Finding("hr_os_score_2_3", "HR for OS, C-NED 2-3 (independent risk)", _ratio(2.867)),
        Finding("tlvr_youden", f"TLVR ROC on conversion: Youden index at the cut-off {CNED_TLVR_AT_LEAST}",
                _ratio(0.242)),
        Finding("tlvr_auc", "TLVR ROC on conversion: AUC", _ratio(0.642)),
        Finding("median_lesion_count", "Median number of metastases",
                Quantity(8, "", 1, 100, interval="range", decimals=0)),
        Finding("median_tlvr", "Median TLVR", Quantity(0.13, "", decimals=2)),
        Finding("median_tumour_volume_ml", "Median tumour volume", Quantity(214, "mL", decimals=0)),
        Finding("median_liver_volume_ml", "Median total liver volume", Quantity(1617, "mL", decimals=0)),
    ),
    groups=(
        _cned_group("0", 65, 30.2, _percent(69.2), _percent(81.8, note="22 patients"),
                    _months(16.6, 12.6, 20.6), _months(64.8, 35.6, 93.9), _percent(66.2)),
        _cned_group("1", 96, 44.7, _CNED_NOT_IN_TEXT, not_reported(),
                    _months(12.2, 10.0, 14.4), _months(43.4, 27.1, 59.9), _percent(48.4)),
        _cned_group("2", 47, 21.9, _CNED_NOT_IN_TEXT, not_reported(), _CNED_PFS_2_3, _CNED_OS_2_3, _CNED_ORR_2_3),
        _cned_group("3", 7, 3.3, _percent(0.0), _percent(0.0, note="1 patient"), _CNED_PFS_2_3, _CNED_OS_2_3,
                    _CNED_ORR_2_3),
    ),
    notes=(
        "TLVR denominator: total liver volume including tumours (the cohort medians fit that reading).",
        "Baseline variables in the paper but not in the score: CEA > 200 ng/mL, CA19-9 > 200 U/mL, largest "
        "tumour > 6 cm, bilobar, hepatic / portal vein invasion, synchronous vs metachronous, KRAS.",
    ),
)

FONG = ScoreEvidence(
    score_id="fong",
    citation="Fong et al., Ann Surg 1999",
    cohort="1001 patients",
    patients=1001,
    findings=(
        Finding("hr_os_xue", "HR for OS per point of the score (Xue et al., 2025; synchronous CRLM after resection)",
                _ratio(1.424, 1.117, 1.815)),
        Finding("hr_rfs_xue", "HR for RFS per point of the score (Xue et al., 2025; synchronous CRLM after resection)",
                _ratio(1.444, 1.228, 1.698)),
    ),
    notes=("Xue et al., 2025 (synchronous CRLM after resection): the clinical risk score was an independent "
           "factor for OS and RFS; the hazard ratios are per point of the score.",
           f"Disease-free interval: Fong 1999 < {FONG_DFI_BELOW_MONTHS} months (used here); Xue et al. 2025 write "
           f"<= {FONG_DFI_BELOW_MONTHS} months."),
)

TBS = ScoreEvidence(
    score_id="tbs",
    citation="Sasaki et al., Ann Surg 2018",
    cohort="not recorded in the clinical specification",
    patients=None,
    notes=("CAIRO5 (Zeeuw et al.): TBS was not independently prognostic, baseline TTV and its change were.",),
)

GAME = ScoreEvidence(
    score_id="game",
    citation="Margonis et al., Br J Surg 2018",
    cohort="not recorded in the clinical specification",
    patients=None,
)

MCS = ScoreEvidence(
    score_id="mcs",
    citation="Brudvik et al., Ann Surg 2019",
    cohort="not recorded in the clinical specification",
    patients=None,
    notes=("No risk groups are used: the raw score is shown.",),
)

NORDLINGER = ScoreEvidence(
    score_id="nordlinger",
    citation="Nordlinger et al., Cancer 1996",
    cohort="1568 patients",
    patients=1568,
)

TTV = ScoreEvidence(
    score_id="ttv",
    citation="Zeeuw et al., Eur J Cancer (CAIRO5)",
    cohort="CAIRO5",
    patients=None,
    findings=(
        Finding("median_baseline_ttv_ml", "Median baseline TTV", Quantity(48, "mL", 17, 178, interval="IQR", decimals=0)),
        Finding("median_change_ml", "Median absolute change after induction",
                Quantity(-22, "mL", -81, -6, interval="IQR", decimals=0)),
        Finding("median_change_percent", "Median relative change after induction",
                Quantity(-60, "%", -73, -44, interval="IQR", decimals=0)),
        Finding("os_5y_ttv_3_ml", "Estimated 5-year OS at baseline TTV 3 mL", _percent(72, decimals=0)),
        Finding("os_5y_ttv_50_ml", "Estimated 5-year OS at baseline TTV 50 mL", _percent(37, decimals=0)),
        Finding("os_5y_ttv_300_ml", "Estimated 5-year OS at baseline TTV 300 mL", _percent(7, decimals=0)),
    ),
    notes=(
        "Baseline TTV and the absolute change in TTV after induction therapy (first post-treatment CT minus "
        "baseline) were independently prognostic for early recurrence (< 6 months) and OS; RECIST 1.1 and TBS "
        "were not.",
    ),
)

EVIDENCE: dict[str, ScoreEvidence] = {e.score_id: e for e in (CNED, FONG, TBS, GAME, MCS, NORDLINGER, TTV)}


def evidence_for(score_id: str) -> ScoreEvidence | None:
    """The recorded evidence of a score (``None`` for a plugin score without any here)."""
    return EVIDENCE.get(score_id)
