"""Plain-text rendering of score results (CLI output, quick looks); no clinical numbers here."""

from __future__ import annotations

from collections.abc import Iterable

from cned_viewer.scores.evidence import evidence_for
from cned_viewer.scores.results import ItemResult, ScoreResult, format_number


def format_result(result: ScoreResult) -> str:
    """One score as a few lines: headline, one line per item, borderline notes, the source's figures."""
    group = f", group {result.group}" if result.group is not None else ""
    lines = [f"{result.name} ({result.citation}): {result.total_text()}{group}"]
    if result.missing:
        lines.append(f"  missing: {', '.join(result.missing_labels())}")
    lines += [f"  {_item_line(item)}" for item in result.items]
    lines += [f"  {_value_label(key)}: {_value_text(value)}" for key, value in result.values.items()]
    lines += [f"  ! {message}" for message in result.borderline]
    lines += [f"  ! {caveat}" for caveat in result.caveats]
    lines += [f"  note: {note}" for note in result.notes]
    evidence = evidence_for(result.score_id)
    group_evidence = evidence.group(result.group) if evidence else None
    if group_evidence is not None:
        figures = "; ".join(f"{f.label}: {f.quantity.text()}" for f in group_evidence.findings)
        lines.append(f"  source, group {result.group}: {figures}")
    return "\n".join(lines)


def _item_line(item: ItemResult) -> str:
    points = "" if item.max_points == 0 else (f"[{item.points}/{item.max_points}] " if item.points is not None
                                               else f"[?/{item.max_points}] ")
    values = ", ".join(f"{i.label}: {i.text()}" for i in item.inputs)
    optional = "" if item.required else " (optional)"
    return f"{points}{item.label}{optional} - {values}"


def _value_label(key: str) -> str:
    """``change_ml`` -> ``change (mL)``, ``change_percent`` -> ``change (%)``."""
    for suffix, unit in (("_percent", "%"), ("_ml", "mL")):
        if key.endswith(suffix):
            return f"{key.removesuffix(suffix).replace('_', ' ')} ({unit})"
    return key.replace("_", " ")


def _value_text(value: float | None) -> str:
    return "not computable" if value is None else format_number(value)


def format_results(results: Iterable[ScoreResult]) -> str:
    """All scores, separated by blank lines."""
    return "\n\n".join(format_result(r) for r in results)
