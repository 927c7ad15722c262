"""Fixtures of the follow-up tests: the synthetic pair, registered and compared once per module, and as files."""

from __future__ import annotations

from pathlib import Path

import pytest
from followup_phantoms import synthetic_pair

from cned_viewer.followup import TimePoint, compare
from cned_viewer.io.sitk_bridge import write_image
from cned_viewer.registration import register_followup


@pytest.fixture(scope="module")
def synthetic():
    """(pair, registration, baseline TimePoint, follow-up TimePoint, comparison)."""
    pair = synthetic_pair()
    registration = register_followup(pair.baseline_image, pair.baseline_labels, pair.followup_image, pair.followup_labels)
    baseline, followup = TimePoint.measure("baseline", pair.baseline_labels), TimePoint.measure("followup", pair.followup_labels)
    return pair, registration, baseline, followup, compare(baseline, [(followup, registration.transform)])


@pytest.fixture(scope="module")
def pair_files(tmp_path_factory) -> dict[str, Path]:
    """The synthetic pair written as NIfTI: ``bl``, ``bl_labels``, ``fu``, ``fu_labels``."""
    folder = tmp_path_factory.mktemp("pair")
    pair = synthetic_pair()
    files = {"bl": folder / "bl.nii.gz", "bl_labels": folder / "bl_labels.nii.gz",
             "fu": folder / "fu.nii.gz", "fu_labels": folder / "fu_labels.nii.gz"}
    for key, volume in (("bl", pair.baseline_image), ("bl_labels", pair.baseline_labels), ("fu", pair.followup_image),
                        ("fu_labels", pair.followup_labels)):
        write_image(volume.array, volume.geometry, files[key])
    return files
