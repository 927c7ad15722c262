"""TotalSegmentator class names and values (its ``class_map``) -> the app's labels and segments.

Only the classes the app uses are listed. ``liver_vessels`` does not tell portal from
hepatic veins; it goes to the label chosen by the caller (default portal vein) and the
user is told to review it.
"""

from __future__ import annotations

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR

#: task -> {value: class name}, from TotalSegmentator's map_to_binary.class_map.
TASK_CLASSES: dict[str, dict[int, str]] = {
    "total": {5: "liver", 63: "inferior_vena_cava", 64: "portal_vein_and_splenic_vein"},
    "total_v1": {5: "liver", 8: "inferior_vena_cava", 9: "portal_vein_and_splenic_vein"},
    "liver_vessels": {1: "liver_vessels", 2: "liver_tumor"},
    "liver_segments": {k: f"liver_segment_{k}" for k in range(1, 9)},
}

#: class name -> app label value (the labels map).
LABEL_OF_CLASS: dict[str, int] = {
    "liver": LIVER_PARENCHYMA,
    "portal_vein_and_splenic_vein": PORTAL_VEIN,
    "inferior_vena_cava": HEPATIC_VEINS,
    "liver_tumor": TUMOUR,
    "liver_lesions": TUMOUR,
}

AMBIGUOUS_VESSELS = "liver_vessels"

#: Painting order: later classes win where masks overlap (vessels and tumour over liver).
PRIORITY = ("liver", "inferior_vena_cava", "portal_vein_and_splenic_vein", "liver_vessels", "liver_tumor", "liver_lesions")


def segment_of_class(name: str) -> int | None:
    """Couinaud segment (1-8) of ``liver_segment_N``, else None."""
    prefix = "liver_segment_"
    if name.startswith(prefix) and name[len(prefix):].isdigit() and 1 <= int(name[len(prefix):]) <= 8:
        return int(name[len(prefix):])
    return None


def rank(name: str) -> int:
    return PRIORITY.index(name) if name in PRIORITY else -1
