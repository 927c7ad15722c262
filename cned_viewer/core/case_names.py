"""Where a save dialog starts and what it proposes: the case's own folder and a name from the case."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def case_stem(metadata: Mapping[str, Any]) -> str:
    """A file-name stem: the bundle's or source's name (``ct`` of ``ct.nii.gz``), else the patient ID, else ``demo-case``."""
    for key in ("bundle", "source"):
        value = str(metadata.get(key) or "")
        if value:
            name = Path(value).name
            for suffix in (".cned", ".nii.gz", ".nii", ".nrrd", ".nhdr", ".mha", ".mhd", ".dcm"):
                if name.lower().endswith(suffix):
                    name = name[: -len(suffix)]
                    break
            if name:
                return _safe(name)
    return _safe(str(metadata.get("PatientID") or "")) or "demo-case"


def case_folder(metadata: Mapping[str, Any], home: Path) -> Path:
    """The folder beside the case: the bundle's folder, the image file's folder, the DICOM folder's parent, else ``home``."""
    for key in ("bundle", "source"):
        value = str(metadata.get(key) or "")
        if value and Path(value).exists():
            return Path(value).resolve().parent
    return home


def suggested_path(metadata: Mapping[str, Any], suffix: str, home: Path) -> str:
    """``<case folder>/<case stem><suffix>``, e.g. ``/data/patient7/ct-labels.nii.gz`` for ``-labels.nii.gz``."""
    return str(case_folder(metadata, home) / f"{case_stem(metadata)}{suffix}")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
