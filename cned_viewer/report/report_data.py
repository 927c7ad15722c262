"""What the tumour-board report says, as plain data (no layout, no Qt, no VTK).

Numbers are formatted here once, with the same functions the score panel uses
(:mod:`cned_viewer.scores.results`), so the report and the panel cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from cned_viewer import __version__
from cned_viewer.core.case import Case
from cned_viewer.core.dicom_text import format_tag
from cned_viewer.report.images import ReportImage
from cned_viewer.report.plan_section import PlanSection
from cned_viewer.report.response_section import ResponseSection
from cned_viewer.scores.evidence import cutoffs_for, evidence_for
from cned_viewer.scores.inputs import input_warnings
from cned_viewer.scores.results import InputValue, ScoreResult, format_number

DISCLAIMER = (
    "This report supports, and does not replace, the judgement of the multidisciplinary team. "
    "Scores are computed from the masks and values shown; check that the masks are right before using them."
)
ORIGIN_TEXT = {"image": "measured on the image", "typed": "typed", "override": "overridden by hand", "missing": "MISSING"}
#: DICOM values that identify a patient (or lead to one); shown only when not de-identified.
IDENTIFYING_TAGS = (
    "PatientName", "PatientID", "PatientBirthDate", "PatientSex", "PatientAge", "AccessionNumber", "InstitutionName",
    "ReferringPhysicianName", "StudyDate", "StudyDescription", "StudyInstanceUID", "SeriesInstanceUID",
)
_SHOWN_TAGS = (("PatientName", "Patient"), ("PatientID", "Patient ID"), ("PatientBirthDate", "Birth date"),
               ("PatientSex", "Sex"), ("StudyDate", "Study date"), ("StudyDescription", "Study"),
               ("AccessionNumber", "Accession"), ("InstitutionName", "Institution"), ("Modality", "Modality"))
REMOVED = "[removed]"
COUINAUD = "I II III IV V VI VII VIII".split()


@dataclass(frozen=True)
class ExtraSection:
    """A section contributed by a plugin: a title, (label, value) rows, paragraphs, and who made it."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    paragraphs: tuple[str, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ReportData:
    """Everything the PDF shows, already formatted."""

    title: str
    identification: tuple[tuple[str, str], ...]
    deidentified: bool
    cned: ScoreResult
    cned_items: tuple[tuple[str, str, str], ...]  # label, points, origin/value
    cned_evidence: tuple[tuple[str, str], ...]
    cned_citation: str
    other_scores: tuple[tuple[str, str, str, str], ...]  # name, total, group, status
    measurements: tuple[tuple[str, str], ...]
    lesion_header: tuple[str, ...]
    lesions: tuple[tuple[str, ...], ...]
    images: tuple[ReportImage, ...]
    edits: tuple[str, ...]
    notices: tuple[str, ...]
    footer: str
    pdf_title: str
    disclaimer: str = DISCLAIMER
    extra_sections: tuple[ExtraSection, ...] = ()
    plan_sections: tuple[PlanSection, ...] = ()
    response_section: ResponseSection | None = None  # baseline against follow-up, when the case has follow-ups


def pseudonym_for(case: Case) -> str:
    """A stable pseudonym that reveals nothing: a hash of the image and label bytes."""
    digest = hashlib.sha256(case.image.array[:: max(1, case.image.array.shape[0] // 8)].tobytes())
    if case.labels is not None:
        digest.update(case.labels.checksum().encode())
    return "CASE-" + digest.hexdigest()[:8].upper()


def tlvr_text(measurements: Mapping[str, Any]) -> str:
    """TLVR as the panel shows it: value, sensitivity range and denominator."""
    if measurements.get("tlvr") is None:
        return "not computable (no liver parenchyma labelled)"
    cut = cutoffs_for("tlvr")
    text = format_number(measurements["tlvr"], cut)
    if measurements.get("tlvr_low") is not None:
        text += (f" (range {format_number(measurements['tlvr_low'], cut)}-{format_number(measurements['tlvr_high'], cut)} "
                 "for a one-voxel change of the tumour border)")
    return text


def _ml(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} mL"


def _mm(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _contact(contact: bool | None, distance_mm: float | None) -> str:
    if distance_mm is None:
        return "not labelled"
    return ("CONTACT " if contact else "") + f"{distance_mm:.1f} mm"


def _measurement_rows(m: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    volumes = m.get("volumes_ml", {})
    tiny = m.get("tiny_lesions") or []
    count = str(m.get("lesion_count"))
    if m.get("lesion_count_low") is not None and (m["lesion_count_low"], m["lesion_count_high"]) != (m["lesion_count"],) * 2:
        count += f" (range {m['lesion_count_low']}-{m['lesion_count_high']} if touching lesions merge or split)"
    if tiny:
        count += f"; {len(tiny)} tiny component(s) under the minimum volume not counted"
    outside = m.get("tumour_outside_liver") or []
    if outside:
        count += (f"; {len(outside)} tumour component(s) outside the liver ({sum(t['volume_ml'] for t in outside):.2f} mL) "
                  "not counted and left out of TTV and TLVR")
    rows = [
        ("Total liver volume", f"{_ml(m.get('total_liver_ml'))} ({str(m.get('tlvr_denominator', '')).split(': ', 1)[-1]})"),
        ("Liver parenchyma", _ml(volumes.get("liver_parenchyma"))),
        ("Total tumour volume (TTV)", _ml(m.get("ttv_ml"))),
        ("TLVR (TTV / total liver volume)", tlvr_text(m)),
        ("TTV / parenchyma (alternative)", format_number(m["tlvr_parenchyma"]) if m.get("tlvr_parenchyma") is not None else "n/a"),
        ("Lesion count", count),
        ("Portal vein / hepatic veins", f"{_ml(volumes.get('portal_vein'))} / {_ml(volumes.get('hepatic_veins'))}"),
    ]
    if m.get("bilobar") is not None:
        rows.append(("Bilobar disease", "yes" if m["bilobar"] else "no"))
    if m.get("segments_involved") is not None:
        involved = m["segments_involved"]
        rows.append(("Segments involved", f"{len(involved)}" + (f" ({', '.join(COUINAUD[s - 1] for s in involved)})" if involved else "")))
    if m.get("options"):
        rows.append(("Lesion definition", lesion_definition(m["options"])))
    return tuple(rows)


def lesion_definition(options: Mapping[str, Any]) -> str:
    """How lesions and vessel contact were defined (``Measurements.to_json()["options"]``), in words."""
    return (f"{options['connectivity']}-connected tumour voxels of at least {format_number(options['min_lesion_volume_ml'])} mL; "
            f"vessel contact within {options['contact_threshold_mm']:.2f} mm")


LESION_HEADER = ("#", "Volume (mL)", "Feret (mm)", "Axial (mm)", "Segments", "Portal vein", "Hepatic veins")
#: Column headers of the score tables, with their units (for the PDF writer).
CNED_ITEM_HEADER = ("Item", "Points / max", "Origin and value (unit)")
SCORE_HEADER = ("Score", "Total (points of maximum, or value in mL)", "Risk group", "Status")


def _lesion_rows(lesions: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, ...], ...]:
    return tuple(
        (
            str(lesion["id"]),
            f"{lesion['volume_ml']:.2f}",
            _mm(lesion.get("feret_diameter_mm")),
            _mm(lesion.get("axial_diameter_mm")),
            ", ".join(str(s) for s in lesion["segments"]) if lesion.get("segments") else "-",
            _contact(lesion.get("portal_vein_contact"), lesion.get("portal_vein_distance_mm")),
            _contact(lesion.get("hepatic_vein_contact"), lesion.get("hepatic_vein_distance_mm")),
        )
        for lesion in lesions
    )


def _cned_items(result: ScoreResult) -> tuple[tuple[str, str, str], ...]:
    rows = []
    for item in result.items:
        points = "?" if item.points is None else str(item.points)
        values = "; ".join(i.text(stated=item.origin) for i in item.inputs)
        caveat = f"; NOTE: {item.caveat}" if item.caveat else ""
        rows.append((item.label, f"{points} / {item.max_points}", f"{ORIGIN_TEXT[item.origin]}: {values}{caveat}"))
    return tuple(rows)


def _cned_evidence(result: ScoreResult) -> tuple[tuple[str, str], ...]:
    evidence = evidence_for(result.score_id)
    group = evidence.group(result.group) if evidence is not None else None
    if group is None:
        return (("Evidence", "no group while the score is incomplete"),)
    return tuple((f"{finding.label} (group {result.group})", finding.quantity.text()) for finding in group.findings)


def _score_rows(results: Sequence[ScoreResult]) -> tuple[tuple[str, str, str, str], ...]:
    rows = []
    for result in results:
        status = "complete" if result.complete else "missing: " + ", ".join(result.missing_labels())
        if result.is_borderline:
            status += "; BORDERLINE"
        status += "".join(f"; NOTE: {caveat}" for caveat in result.caveats)
        rows.append((result.name, result.total_text(), result.group or "-", status))
    return tuple(rows)


def _edit_lines(edits: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """One line per provenance entry (``Provenance.to_json()``): when, what, and mL per label."""
    lines = []
    for edit in edits:
        changes = ", ".join(
            f"{c['key'].replace('_', ' ')} {c['net_ml']:+.2f} mL (+{c['gained_voxels']}/-{c['lost_voxels']} voxels)"
            for c in edit.get("changes", ())
        )
        source = f"{edit.get('source', '')} {edit.get('source_version', '')}".strip()
        lines.append(f"{edit.get('timestamp', '')} {edit.get('operation', 'edit')} ({source}): {changes or 'no change'}".strip())
    return tuple(lines) or ("No manual edits recorded: the masks are as loaded.",)


def _identification(case: Case, deidentify: bool) -> tuple[tuple[str, str], ...]:
    if deidentify:
        return (("Pseudonym", pseudonym_for(case)), ("Modality", case.metadata.get("Modality", "") or "-"))
    rows = [(label, format_tag(tag, case.metadata.get(tag)) or "-") for tag, label in _SHOWN_TAGS]
    rows.append(("Images", str(case.metadata.get("source", "-"))))
    return tuple(rows)


def identifying_values(case: Case) -> list[str]:
    """The values de-identification must remove from every text (longest first)."""
    values = {str(case.metadata.get(tag) or "").strip() for tag in IDENTIFYING_TAGS}
    printed = [tag for tag in IDENTIFYING_TAGS if tag not in ("PatientSex", "PatientAge") and case.metadata.get(tag)]
    values |= {format_tag(tag, case.metadata[tag]).strip() for tag in printed}  # as printed (sex and age are words)
    for key in ("source", "labels_source"):
        path = str(case.metadata.get(key) or "")
        values.update(part for part in path.replace("\\", "/").split("/") if len(part) >= 4)
    names = {part for v in list(values) if "^" in v for part in v.split("^")}
    return sorted((v for v in values | names if len(v) >= 3), key=len, reverse=True)


def _scrub(text: str, secrets: Sequence[str]) -> str:
    """``text`` with every secret replaced, whatever its letter case (names are printed capitalised)."""
    for secret in secrets:
        text = re.sub(re.escape(secret), REMOVED, text, flags=re.IGNORECASE)
    return text


def build_report_data(
    case: Case,
    measurements: Mapping[str, Any],
    results: Sequence[ScoreResult],
    images: Sequence[ReportImage] = (),
    edits: Iterable[Mapping[str, Any]] = (),
    deidentify: bool = False,
    now: dt.datetime | None = None,
    extra_sections: Iterable[ExtraSection] = (),
    extra_notices: Iterable[str] = (),
    plan_sections: Iterable[PlanSection] = (),
    response_section: ResponseSection | None = None,
) -> ReportData:
    """Assemble the report of ``case`` from its measurements (``Measurements.to_json()``) and scores.

    ``extra_sections`` (from plugins), ``extra_notices`` and the texts of ``plan_sections``
    (:mod:`cned_viewer.report.plan_section`) and ``response_section`` are de-identified like every other text.
    """
    cned = next(r for r in results if r.score_id == "cned")
    created = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    checksum = case.labels.checksum()[:16] if case.labels is not None else "no labels"
    secrets = identifying_values(case) if deidentify else []
    scrub = (lambda text: _scrub(text, secrets)) if deidentify else (lambda text: text)
    who = pseudonym_for(case) if deidentify else format_tag("PatientName", case.metadata.get("PatientName")) or str(case.metadata.get("PatientID") or "")
    inputs = {i.name: i for r in results for item in r.items for i in item.inputs}
    notices = tuple(scrub(w) for w in dict.fromkeys(
        [*case.warnings, *measurements.get("warnings", []), *input_warnings(inputs), *extra_notices]))
    sections = tuple(
        ExtraSection(scrub(x.title), tuple((scrub(a), scrub(b)) for a, b in x.rows), tuple(scrub(t) for t in x.paragraphs), x.source)
        for x in extra_sections
    )
    return ReportData(
        title="C-NED conversion score and tumour burden",
        identification=_identification(case, deidentify),
        deidentified=deidentify,
        cned=cned,
        cned_items=_cned_items(cned),
        cned_evidence=_cned_evidence(cned),
        cned_citation=cned.citation,
        other_scores=_score_rows([r for r in results if r.score_id != "cned"]),
        measurements=_measurement_rows(measurements),
        lesion_header=LESION_HEADER,
        lesions=_lesion_rows(measurements.get("lesions", [])),
        images=tuple(images),
        edits=tuple(scrub(line) for line in _edit_lines(edits)),
        notices=notices,
        footer=f"CNED Viewer {__version__} | mask SHA-256 {checksum} | {created}",
        pdf_title=f"C-NED report {who}".strip(),
        extra_sections=sections,
        plan_sections=tuple(replace(x, title=scrub(x.title), warnings=tuple(scrub(w) for w in x.warnings)) for x in plan_sections),
        response_section=None if response_section is None else replace(
            response_section, warnings=tuple(scrub(w) for w in response_section.warnings)),
    )
