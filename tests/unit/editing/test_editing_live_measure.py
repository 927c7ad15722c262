"""The live path: each dab's record fed to the incremental measurer keeps it equal to measure()."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from cned_viewer.core.labels import HEPATIC_VEINS, LIVER_PARENCHYMA, TUMOUR
from cned_viewer.editing import Brush, EditSession, PaintRules
from cned_viewer.measure import IncrementalMeasurer, measure


def unnumbered(lesions) -> list:
    """Lesions without their numbers: after edits they keep theirs, a fresh measurement counts 1..n."""
    return [replace(lesion, id=0) for lesion in lesions]


def test_dab_records_keep_the_incremental_measurer_exact(demo_case):
    labels = demo_case.labels
    labels = type(labels)(labels.array.copy(), labels.geometry, labels.table)
    session = EditSession(labels)
    measurer = IncrementalMeasurer(labels)
    session.changed.connect(lambda record: measurer.apply_edit(record.box, record.old))
    rng = np.random.default_rng(5)
    nz, ny, nx = labels.array.shape
    tumour_voxels = np.argwhere(labels.array == TUMOUR)
    for k in range(6):
        centre = tumour_voxels[rng.integers(len(tumour_voxels))].astype(float)
        value = [TUMOUR, LIVER_PARENCHYMA, 0, HEPATIC_VEINS][k % 4]
        session.begin_stroke(centre, Brush(float(rng.uniform(2, 8)), "axial", k % 3 == 0), PaintRules.paint(value))
        for _ in range(3):
            centre = np.clip(centre + rng.normal(0, 6, 3) * (0, 1, 1), 0, (nz - 1, ny - 1, nx - 1))
            session.continue_stroke(centre)
            assert measurer.burden == measure(labels).burden  # live, per mouse move
        session.end_stroke()
        assert unnumbered(measurer.refresh().lesions) == unnumbered(measure(labels).lesions)
    for _ in range(3):
        session.undo()
        assert measurer.burden == measure(labels).burden
    session.redo()
    assert measurer.refresh().burden == measure(labels).burden
