"""``cned-viewer info PATH``: the series in a DICOM folder, a DICOM file's series, or an image's geometry.

An image file is described from its header alone (no voxel is read). In a folder, a file
that cannot be used (damaged header, truncated, unreadable) is named and skipped; the other
series are still listed.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import SimpleITK as sitk

from cned_viewer.commands.common import print_json
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_series import DicomScan, check_slice_geometry, looks_like_dicom, scan_dicom_folder, truncated_files, truncation_message
from cned_viewer.io.images import check_readable, has_image_suffix, read_image_information
from cned_viewer.io.sitk_bridge import geometry_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="list the series of a DICOM folder, or an image's geometry")
    parser.add_argument("path", metavar="PATH", help="DICOM folder, DICOM file or image file")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def _check_exists(path: Path) -> None:
    try:
        os.stat(path)
    except FileNotFoundError:
        raise UserError(f"{path} does not exist; check the path (a DICOM folder, a DICOM file or a NIfTI/NRRD/MHA image)") from None
    except PermissionError:
        raise UserError(f"cannot reach {path}: permission denied; ask for read access to it and its folders") from None
    except OSError as error:
        raise UserError(f"cannot reach {path}: {error.strerror}") from None


def describe_image(path: Path) -> dict:
    """An image file's geometry and voxel type, from its header only."""
    reader = read_image_information(path, "image")
    warnings: list[str] = []
    dimension = reader.GetDimension()
    if dimension == 3:
        image = geometry_of(reader, f"image {path.name}").to_json()
    else:
        image = None
        warnings.append(f"a {dimension}D image of size {'x'.join(map(str, reader.GetSize()))}; the app needs a 3D image")
    components = reader.GetNumberOfComponents()
    if components != 1:
        warnings.append(f"{components} values per voxel (colour or vector image); the app needs a scalar image")
    pixel_type = sitk.GetPixelIDValueAsString(reader.GetPixelIDValue())
    return {"path": str(path), "kind": "image", "image": image, "pixel_type": pixel_type, "warnings": warnings}


def describe_scan(scan: DicomScan, chosen_uid: str | None = None, file: Path | None = None) -> dict:
    """The series of a scanned folder, the default (or ``chosen_uid``) one's grid, and what was skipped."""
    warnings: list[str] = []
    if scan.skipped_files:
        warnings.append(f"{len(scan.skipped_files)} file(s) are not DICOM images and were ignored")
    if scan.damaged_files:
        names = ", ".join(d.describe() for d in scan.damaged_files[:3])
        more = f" and {len(scan.damaged_files) - 3} more" if len(scan.damaged_files) > 3 else ""
        warnings.append(f"{len(scan.damaged_files)} damaged or unreadable file(s) were skipped: {names}{more}")
    default, image = None, None
    try:
        chosen = scan.pick(chosen_uid)
        default = chosen.uid
        where = f"series {chosen.description or chosen.uid}"
        if len(chosen.slices) > 1 or chosen.slices[0].frames == 1:
            stack = check_slice_geometry(chosen)
            image = stack.geometry.to_json()
            warnings.extend(stack.warnings)
        short = truncated_files(chosen)
        if short:
            warnings.append(truncation_message(where, short))
    except UserError as error:
        warnings.append(str(error))
    series = [dict(s.summary(), number=i) for i, s in enumerate(scan.series, start=1)]
    report = {"path": str(scan.folder), "kind": "dicom", "series": series, "default_series": default, "image": image, "warnings": warnings}
    if file is not None:
        report["file"] = str(file)
    return report


def describe(path: Path) -> dict:
    """What ``info`` reports, as JSON-able data."""
    _check_exists(path)
    if path.is_dir():
        return describe_scan(scan_dicom_folder(path))
    if has_image_suffix(path):
        return describe_image(path)
    check_readable(path, "file")
    if not looks_like_dicom(path):
        raise UserError(f"{path.name} is neither a DICOM file nor a NIfTI/NRRD/MHA image ({path.stat().st_size} bytes); "
                        "give a DICOM folder, a DICOM file or an image file")
    scan = scan_dicom_folder(path.parent)
    owner = next((s.uid for s in scan.series if any(sl.path == path for sl in s.slices)), None)
    if owner is None:
        damaged = [d for d in scan.damaged_files if d.path == path]
        reason = damaged[0].reason if damaged else "it holds no image"
        raise UserError(f"{path.name} is a DICOM file that cannot be used: {reason}; give another file of the series or its folder")
    return describe_scan(scan, owner, path)


def run(args: argparse.Namespace) -> int:
    report = describe(Path(args.path))
    if args.json:
        print_json(report)
        return 0
    if report["kind"] == "image":
        print(f"{report['path']}: {report['pixel_type']} image")
    else:
        print(f"{report['path']}: {len(report['series'])} series" + (f" (the file {Path(report['file']).name} is in series *)" if "file" in report else ""))
        for s in report["series"]:
            mark = "*" if s["uid"] == report["default_series"] else " "
            spacing = "x".join(f"{v:g}" for v in s["spacing_mm"]) + " mm" if s["spacing_mm"] else "?"
            size = "x".join(str(v) for v in s["size_xy"])
            print(f" {mark}{s['number']:>2}  {s['modality']:<4} {s['slice_count']:>4} slices  {size:<9} {spacing:<22} {s['description'] or '(no description)'}  {s['uid']}")
    if report["image"]:
        g = report["image"]
        print("size (x,y,z): " + " x ".join(map(str, g["size_xyz"])) + "; spacing: " + " x ".join(f"{v:g}" for v in g["spacing_mm"]) + " mm")
        print("origin: (" + ", ".join(f"{v:g}" for v in g["origin_mm"]) + ") mm; direction: " + " ".join(f"{v:g}" for v in g["direction"]))
    for warning in report["warnings"]:
        print(f"warning: {warning}")
    return 0
