"""TotalSegmentator class names and values (its ``class_map``) -> the app's labels and segments.

Values and names are copied from ``class_map`` in TotalSegmentator's
``totalsegmentator/map_to_binary.py`` (github.com/wasserth/TotalSegmentator, checked
against release 2.18.0 and every v2 release that has the task; the copy shipped with the
test data, ``totalseg_example/label_names_source.py.txt``, is identical). A task's
multi-label file (``--ml``) holds these values; its folder output holds one
``<class name>.nii.gz`` per class. Only the classes the app uses are listed.

``liver_vessels`` does not tell portal from hepatic veins; it goes to the label chosen by
the caller (default portal vein) and the user is told to review it.
"""

from __future__ import annotations

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, PORTAL_VEIN, TUMOUR

_SEGMENTS = {k: f"liver_segment_{k}" for k in range(1, 9)}

#: task -> {value: class name}, the classes the app uses of TotalSegmentator's class_map[task].
TASK_CLASSES: dict[str, dict[int, str]] = {
    "total": {5: "liver", 63: "inferior_vena_cava", 64: "portal_vein_and_splenic_vein"},
    "total_mr": {5: "liver", 24: "inferior_vena_cava", 25: "portal_vein_and_splenic_vein"},
    "total_v1": {5: "liver", 8: "inferior_vena_cava", 9: "portal_vein_and_splenic_vein"},
    "liver_vessels": {1: "liver_vessels", 2: "liver_tumor"},
    "liver_segments": dict(_SEGMENTS),
    "liver_segments_mr": dict(_SEGMENTS),
    "liver_lesions": {1: "liver_lesions"},
    "liver_lesions_mr": {1: "liver_lesions"},
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


def is_used(name: str) -> bool:
    """Whether the app uses a TotalSegmentator class of this name (a per-class mask's file stem)."""
    return name in LABEL_OF_CLASS or name == AMBIGUOUS_VESSELS or segment_of_class(name) is not None


def rank(name: str) -> int:
    return PRIORITY.index(name) if name in PRIORITY else -1
