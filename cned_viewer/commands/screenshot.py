"""``cned-viewer screenshot IMAGE --labels LABELS -o OUT.png [--view main|3d|axial]``.

``main`` renders the whole window (under Xvfb, or Qt offscreen with a static 3D picture);
``3d`` renders the 3D model with pyvista offscreen (EGL, no X); ``axial`` the axial slice
through the largest lesion (no Qt, no GL). IMAGE may be the word ``demo``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cned_viewer.commands.common import add_case_arguments, case_inputs, check_output_path, session_from_args
from cned_viewer.errors import UserError
from cned_viewer.session import CaseSession
from cned_viewer.render.case_pictures import axial_picture, model_pictures
from cned_viewer.render.png import write_png

VIEWS = ("main", "3d", "axial")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screenshot", help="render a case (or 'demo') to a PNG and exit")
    add_case_arguments(parser)
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


def run(args: argparse.Namespace) -> int:
    size = _size(args.size)
    output = check_output_path(args.output, *case_inputs(args), what="screenshot")
    if args.view == "main":
        from cned_viewer.ui.screenshot import window_screenshot

        if args.label_map:
            raise UserError("--label-map applies to --view 3d and axial; for the main window use the app mapping")
        written = window_screenshot(args.image, args.labels, output, size)
    else:
        session = session_from_args(args)  # opened, and measured with labels, as the viewer does
        written = render_3d(session, output, size) if args.view == "3d" else render_axial(session, output)
    print(written)
    return 0


def render_3d(session: CaseSession, output: Path, size: tuple[int, int]) -> Path:
    if session.measurements is None:
        raise UserError("the 3D view needs a label map; give --labels")
    (picture,) = model_pictures(session.case, session.measurements.lesions, ["anterior"], size)
    return write_png(picture, output)


def render_axial(session: CaseSession, output: Path) -> Path:
    lesions = session.measurements.lesions if session.measurements is not None else []
    return write_png(axial_picture(session.case, lesions)[0], output)
