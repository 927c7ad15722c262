"""``cned-viewer screenshot IMAGE --labels LABELS -o OUT.png [--view main|3d|axial]``.

``main`` renders the whole window (under Xvfb, or Qt offscreen with a static 3D picture);
``3d`` renders the 3D model with pyvista offscreen (EGL, no X); ``axial`` the axial slice
through the largest lesion (no Qt, no GL). IMAGE may be the word ``demo``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cned_viewer.core.case import Case
from cned_viewer.errors import UserError
from cned_viewer.io.case_loader import load_case
from cned_viewer.io.label_mappings import BUILTIN_MAPPINGS

VIEWS = ("main", "3d", "axial")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screenshot", help="render a case (or 'demo') to a PNG and exit")
    parser.add_argument("image", metavar="IMAGE", help="DICOM folder, image file, or the word 'demo'")
    parser.add_argument("--labels", metavar="LABELS", help="label map: NIfTI/NRRD/MHA or DICOM-SEG")
    parser.add_argument("--label-map", metavar="NAME|FILE", help=f"label value mapping: {', '.join(BUILTIN_MAPPINGS)} or a JSON file")
    parser.add_argument("-o", "--output", required=True, metavar="OUT.png", help="where to write the PNG")
    parser.add_argument("--view", choices=VIEWS, default="main", help="main window (default), 3D model only, or the axial slice")
    parser.add_argument("--size", default="1440x900", metavar="WxH", help="picture size in pixels (default 1440x900)")
    parser.set_defaults(func=run)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"--size must look like 1440x900, got {text!r}") from None
    if not (64 <= width <= 8192 and 64 <= height <= 8192):
        raise UserError("--size must be between 64 and 8192 pixels each way")
    return width, height


def _case(args: argparse.Namespace) -> Case:
    if args.image == "demo":
        from cned_viewer.demo.phantom import make_demo_case

        return make_demo_case()
    return load_case(args.image, args.labels, args.label_map)


def run(args: argparse.Namespace) -> int:
    size = _size(args.size)
    output = Path(args.output)
    if args.view == "main":
        from cned_viewer.ui.screenshot import window_screenshot

        if args.label_map:
            raise UserError("--label-map applies to --view 3d and axial; for the main window use the app mapping")
        written = window_screenshot(args.image, args.labels, output, size)
    else:
        case = _case(args)
        written = render_3d(case, output, size) if args.view == "3d" else render_axial(case, output)
    print(written)
    return 0


def render_3d(case: Case, output: Path, size: tuple[int, int]) -> Path:
    from cned_viewer.measure import measure
    from cned_viewer.mesh.case_meshes import build_case_meshes
    from cned_viewer.render.png import write_png
    from cned_viewer.render.snapshot import render_scene_offscreen

    if case.labels is None:
        raise UserError("the 3D view needs a label map; give --labels")
    meshes = build_case_meshes(case.labels, measure(case).lesions)
    return write_png(render_scene_offscreen(meshes, size), output)


def render_axial(case: Case, output: Path) -> Path:
    from cned_viewer.measure import measure
    from cned_viewer.render.png import physical_aspect, write_png
    from cned_viewer.render.slice_compositor import WINDOW_PRESETS, composite, extract_slice

    index = case.image.array.shape[0] // 2
    table = None
    if case.labels is not None:
        table = case.labels.table
        lesions = measure(case).lesions
        if lesions:
            index = int(np.rint(case.image.geometry.patient_to_index(lesions[0].centroid_mm)[0]))
    labels = None if case.labels is None else case.labels.array
    plane = extract_slice("axial", index, case.image.array, labels, case.image.geometry)
    rgb = composite(plane, *WINDOW_PRESETS["abdomen"], table)
    return write_png(physical_aspect(rgb, plane.pixel_width_mm, plane.pixel_height_mm), output)
