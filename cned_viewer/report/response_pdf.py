"""A short PDF with the "Response" section alone (``cned-viewer compare -o``), with the case report's building blocks."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from reportlab.platypus import Spacer

from cned_viewer.report.pdf_writer import paragraph, response_block, styles, write_pdf
from cned_viewer.report.response_section import ResponseSection

DISCLAIMER = "Research software: check every figure against the images before any clinical decision."


def response_story(section: ResponseSection, width: float) -> list:
    """The flowables of the section: figures, lesion table, time points, warnings and notes, then the disclaimer."""
    s = styles()
    return response_block(section, s, width, "title") + [Spacer(1, 6), paragraph(DISCLAIMER, s["warn"])]


def write_response_pdf(section: ResponseSection, path: str | os.PathLike, footer: str = "CNED Viewer: follow-up response",
                       created: dt.datetime | None = None) -> Path:
    """Write the PDF atomically."""
    return write_pdf(path, lambda width: response_story(section, width), title=section.title, footer_text=footer,
                     subject="Follow-up response", created=created)
