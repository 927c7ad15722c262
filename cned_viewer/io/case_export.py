"""One export path for the command line and the GUI: a case's labels as NIfTI, NRRD, DICOM-SEG,
or DICOM-SEG plus the DICOM SR measurement report that references it.

``dicom-sr`` writes two files: the SR at the output path and the SEG it references (the one
exported with it, so SR and SEG always agree) at ``seg_output``, by default beside it as
``NAME_seg.dcm``. Both objects are built in memory before either file is written; each file is
written atomically. The ContentCreatorName is ``creator`` or the user setting.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from cned_viewer.core.case import Case
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_source import dicom_source_of
from cned_viewer.io.masks import save_labels
from cned_viewer.io.seg_export import algorithm_type, build_dicom_seg
from cned_viewer.io.sr_export import build_measurement_report, save_report
from cned_viewer.io.user_settings import content_creator_name
from cned_viewer.measure import MeasureOptions, Measurements, measure
from cned_viewer.scores import build_inputs, evaluate_all

#: Format -> file name suffixes it may be written under.
FORMATS = {"dicom-seg": (".dcm",), "dicom-sr": (".dcm",), "nifti": (".nii.gz", ".nii"), "nrrd": (".nrrd",)}


@dataclass
class ExportResult:
    """The files written (main output first) and what the user must be told."""

    paths: list[Path]
    warnings: list[str] = field(default_factory=list)


def check_format_suffix(fmt: str, output: str | os.PathLike) -> None:
    """Refuse an output name whose suffix does not fit ``fmt`` (before any work)."""
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not str(output).lower().endswith(FORMATS[fmt]):
        raise UserError(f"--format {fmt} writes {' or '.join(FORMATS[fmt])} files; name the output accordingly (not {Path(output).name})")


def default_seg_output(output: str | os.PathLike) -> Path:
    """Where ``dicom-sr`` writes its SEG unless told: ``NAME_seg.dcm`` beside ``NAME.dcm``."""
    path = Path(output)
    return path.with_name(f"{path.name[:-4] if path.name.lower().endswith('.dcm') else path.name}_seg.dcm")


def export_case(
    case: Case,
    fmt: str,
    output: str | os.PathLike,
    seg_output: str | os.PathLike | None = None,
    creator: str | None = None,
    options: MeasureOptions | None = None,
    clinical: ClinicalData | None = None,
    measurements: Measurements | None = None,
) -> ExportResult:
    """Write ``case``'s labels as ``fmt`` to ``output``; ``measurements`` (the viewer's, with its lesion
    numbers) or a fresh measurement with ``options`` feed the SR, with ``clinical`` or the case's for C-NED."""
    check_format_suffix(fmt, output)
    if case.labels is None:
        raise UserError("no labels to export: give --labels LABELS")
    if fmt in ("nifti", "nrrd"):
        return ExportResult([save_labels(case.labels, output)])
    folder, series_uid = dicom_source_of(case.metadata, f"--format {fmt}")
    creator = creator or content_creator_name()
    built = build_dicom_seg(case.labels, folder, series_uid, algorithm_type(case.provenance), creator)
    if fmt == "dicom-seg":
        return ExportResult([built.save(output)], built.warnings)
    seg_path = Path(seg_output) if seg_output is not None else default_seg_output(output)
    if seg_path.resolve() == Path(output).resolve():
        raise UserError("the SR and its SEG need two files; give --seg another name than -o")
    measurements = measurements or measure(case, options or MeasureOptions())
    scores = evaluate_all(build_inputs(case.clinical if clinical is None else clinical, measurements.to_json()), ["cned"])
    report = build_measurement_report(built, measurements, scores[0] if scores else None, creator)
    built.save(seg_path)
    try:
        sr_path = save_report(report, output)
    except BaseException:
        seg_path.unlink(missing_ok=True)  # no SEG without the SR that was to reference it
        raise
    return ExportResult([sr_path, seg_path], built.warnings + list(measurements.warnings))
