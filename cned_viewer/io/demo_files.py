"""Write the synthetic demo case to image files (for the CLI, docs and tests)."""

from __future__ import annotations

from pathlib import Path

from cned_viewer.demo.phantom import make_demo_case
from cned_viewer.io.masks import save_labels
from cned_viewer.io.sitk_bridge import write_image


def save_demo_case(folder: Path) -> tuple[Path, Path]:
    """Write ``demo_ct.nii.gz`` and ``demo_labels.nii.gz`` into ``folder``; returns both paths."""
    case = make_demo_case()
    ct = write_image(case.image.array, case.image.geometry, folder / "demo_ct.nii.gz")
    return ct, save_labels(case.labels, folder / "demo_labels.nii.gz")
