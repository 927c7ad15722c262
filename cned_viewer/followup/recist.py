"""RECIST 1.1 target lesions of the liver and their diameters at a follow-up (pure).

Targets: at most :data:`MAX_LIVER_TARGETS` baseline lesions whose longest axial diameter is at least
:data:`MEASURABLE_MM` (Eisenhauer et al. 2009: at most 2 targets per organ, measurable >= 10 mm on CT with
slices <= 5 mm), chosen automatically as the largest, or given by number. At a follow-up a target's
diameter is that of the lesion it became; 0 when it disappeared; the sum of the fragments when it split;
the coalesced lesion's diameter for the lowest-numbered target of a merge and 0 for the others (RECIST 1.1).
"""

from __future__ import annotations

from collections.abc import Sequence

from cned_viewer.followup.matching import LesionMatch
from cned_viewer.measure import Lesion

MEASURABLE_MM = 10.0
MAX_LIVER_TARGETS = 2


def select_targets(lesions: Sequence[Lesion], wanted: Sequence[int] | None = None) -> tuple[int, ...]:
    """Target lesion numbers: ``wanted`` checked, or the largest measurable ones; ValueError saying why not."""
    by_id = {lesion.id: lesion for lesion in lesions}
    if wanted is None:
        measurable = [lesion for lesion in lesions if lesion.axial_diameter_mm >= MEASURABLE_MM]
        measurable.sort(key=lambda lesion: (-lesion.axial_diameter_mm, lesion.id))
        return tuple(sorted(lesion.id for lesion in measurable[:MAX_LIVER_TARGETS]))
    wanted = list(dict.fromkeys(wanted))
    if len(wanted) > MAX_LIVER_TARGETS:
        raise ValueError(f"RECIST 1.1 allows at most {MAX_LIVER_TARGETS} target lesions per organ; {len(wanted)} given")
    for number in wanted:
        if number not in by_id:
            raise ValueError(f"lesion {number} is not a baseline lesion (numbers 1-{len(lesions)})")
        if by_id[number].axial_diameter_mm < MEASURABLE_MM:
            raise ValueError(f"lesion {number} is not measurable: longest axial diameter {by_id[number].axial_diameter_mm:.1f} mm "
                             f"< {MEASURABLE_MM:g} mm")
    return tuple(sorted(wanted))


def target_diameters_mm(matches: Sequence[LesionMatch], targets: Sequence[int], followup: Sequence[Lesion]) -> dict[int, float]:
    """Each target's diameter at the follow-up (module doc for merges and splits)."""
    by_id = {lesion.id: lesion for lesion in followup}
    out: dict[int, float] = {}
    for match in matches:
        in_match = sorted(t for t in targets if t in match.baseline_ids)
        for k, target in enumerate(in_match):
            out[target] = sum(by_id[f].axial_diameter_mm for f in match.followup_ids) if k == 0 else 0.0
    return out


def baseline_sum_mm(lesions: Sequence[Lesion], targets: Sequence[int]) -> float:
    return sum(lesion.axial_diameter_mm for lesion in lesions if lesion.id in targets)
