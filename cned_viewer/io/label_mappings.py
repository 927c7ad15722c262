"""Named mappings from external label values to the app's label table.

Built in: ``app`` (values 1-4 as in clinical-spec section 2, strict) and
``totalseg-total`` (TotalSegmentator's "total" task: 5 liver, 64 portal and splenic vein,
63 inferior vena cava -> hepatic veins/IVC). A user mapping is a JSON file::

    {"name": "my-tool", "labels": {"1": "liver_parenchyma", "7": "tumour"}}

whose keys are source values and whose values are keys of the app's label table.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cned_viewer.core.labels import DEFAULT_LABEL_TABLE, LABEL_DTYPE, LabelTable
from cned_viewer.errors import UserError


@dataclass(frozen=True)
class LabelMapping:
    """Source value -> app label key; ``strict`` refuses unmapped values instead of dropping them."""

    name: str
    description: str
    source_to_key: dict[int, str]
    strict: bool = False

    def apply(self, array: np.ndarray, table: LabelTable = DEFAULT_LABEL_TABLE) -> tuple[np.ndarray, list[str]]:
        """The mapped uint8 array and notices about values set to background."""
        values = np.unique(array)
        unmapped = [int(v) for v in values if v != 0 and int(v) not in self.source_to_key]
        if unmapped and self.strict:
            known = ", ".join(f"{lab.value} {lab.name.lower()}" for lab in table.labels)
            raise UserError(
                f"the label map holds values {_listing(unmapped)} that are not in the app's label table ({known}); "
                "choose a mapping, e.g. --label-map totalseg-total, or a mapping file"
            )
        lut = np.zeros(int(values.max()) + 1 if values.size else 1, dtype=LABEL_DTYPE)
        for value, key in self.source_to_key.items():
            if value < lut.size:
                lut[value] = table.by_key(key).value
        notices = [f"{len(unmapped)} label value(s) not in mapping '{self.name}' set to background ({_listing(unmapped)})"] if unmapped else []
        return lut[array], notices


def _listing(values: list[int], most: int = 8) -> str:
    shown = ", ".join(str(v) for v in values[:most])
    return shown + (f", ... ({len(values)} in all)" if len(values) > most else "")


BUILTIN_MAPPINGS: dict[str, LabelMapping] = {
    "app": LabelMapping(
        "app", "the app's own values: 1 liver parenchyma, 2 tumour, 3 portal vein, 4 hepatic veins",
        {lab.value: lab.key for lab in DEFAULT_LABEL_TABLE.labels}, strict=True,
    ),
    "totalseg-total": LabelMapping(
        "totalseg-total", "TotalSegmentator 'total' task: 5 liver, 64 portal and splenic vein, 63 inferior vena cava",
        {5: "liver_parenchyma", 64: "portal_vein", 63: "hepatic_veins"},
    ),
}


def load_mapping_file(path: str | os.PathLike, table: LabelTable = DEFAULT_LABEL_TABLE) -> LabelMapping:
    """Read a user mapping (JSON, see the module docstring)."""
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        labels = {int(value): str(key) for value, key in data["labels"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(f"mapping file {source.name} is not valid ({error}); it must be JSON like {{\"labels\": {{\"5\": \"liver_parenchyma\"}}}}") from None
    wrong = sorted(set(labels.values()) - set(table.keys))
    if wrong:
        raise UserError(f"mapping file {source.name} names unknown labels {', '.join(wrong)}; use {', '.join(table.keys)}")
    return LabelMapping(str(data.get("name", source.stem)), f"user mapping {source.name}", labels)


def resolve_mapping(choice: str | os.PathLike | LabelMapping | None) -> LabelMapping:
    """A mapping by built-in name, by JSON file path, or the strict ``app`` default."""
    if choice is None:
        return BUILTIN_MAPPINGS["app"]
    if isinstance(choice, LabelMapping):
        return choice
    if str(choice) in BUILTIN_MAPPINGS:
        return BUILTIN_MAPPINGS[str(choice)]
    if Path(choice).is_file():
        return load_mapping_file(choice)
    raise UserError(f"unknown label mapping {str(choice)!r}; use one of {', '.join(BUILTIN_MAPPINGS)} or a JSON mapping file")


_SEGMENT_NAME_PATTERNS = (
    (r"portal", "portal_vein"),
    (r"hepatic.?vein|vena.?cava|\bivc\b|venous", "hepatic_veins"),
    (r"tumou?r|metasta|lesion|neoplasm|cancer", "tumour"),
    (r"liver|hepatic|parenchyma", "liver_parenchyma"),
)


def key_for_segment_name(name: str) -> str | None:
    """The app label a DICOM-SEG segment's name stands for, or None."""
    lowered = name.lower()
    for pattern, key in _SEGMENT_NAME_PATTERNS:
        if re.search(pattern, lowered):
            return key
    return None
