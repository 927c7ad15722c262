"""``cned-viewer info PATH``: the series in a DICOM folder, or an image's geometry."""

from __future__ import annotations

import argparse
from pathlib import Path

from cned_viewer.commands.common import print_json
from cned_viewer.errors import UserError
from cned_viewer.io.dicom_series import check_slice_geometry, scan_dicom_folder
from cned_viewer.io.images import has_image_suffix, read_sitk
from cned_viewer.io.sitk_bridge import geometry_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="list the series of a DICOM folder, or an image's geometry")
    parser.add_argument("path", metavar="PATH", help="DICOM folder or image file")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


def describe(path: Path) -> dict:
    """What ``info`` reports, as JSON-able data."""
    if path.is_file() and has_image_suffix(path):
        image = read_sitk(path, "image")
        return {"path": str(path), "kind": "image", "image": geometry_of(image).to_json(), "pixel_type": image.GetPixelIDTypeAsString(), "warnings": []}
    folder = path if path.is_dir() else path.parent
    scan = scan_dicom_folder(folder)
    warnings: list[str] = []
    if scan.skipped_files:
        warnings.append(f"{len(scan.skipped_files)} file(s) are not DICOM images and were ignored")
    default, image = None, None
    try:
        chosen = scan.default_series()
        default = chosen.uid
        stack = check_slice_geometry(chosen)
        image = stack.geometry.to_json()
        warnings.extend(stack.warnings)
    except UserError as error:
        warnings.append(str(error))
    series = [dict(s.summary(), number=i) for i, s in enumerate(scan.series, start=1)]
    return {"path": str(folder), "kind": "dicom", "series": series, "default_series": default, "image": image, "warnings": warnings}


def run(args: argparse.Namespace) -> int:
    report = describe(Path(args.path))
    if args.json:
        print_json(report)
        return 0
    if report["kind"] == "image":
        print(f"{report['path']}: {report['pixel_type']} image")
    else:
        print(f"{report['path']}: {len(report['series'])} series")
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
