"""A short PDF with the "Response" section alone (``cned-viewer compare -o``), with the case report's building blocks."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from reportlab.platypus import Spacer

from cned_viewer.report.pdf_writer import paragraph, styles, table, write_pdf
from cned_viewer.report.response_section import ResponseSection

DISCLAIMER = "Research software: check every figure against the images before any clinical decision."


def response_story(section: ResponseSection, width: float) -> list:
    """The flowables of the section: figures, lesion table, time points, warnings and notes."""
    s = styles()
    story = [paragraph(section.title, s["title"]), Spacer(1, 4), table(list(section.figures), [0.28 * width, 0.72 * width], s)]
    story += [paragraph(f"Lesions ({len(section.lesions)})", s["h2"]),
              table([section.lesion_header, *section.lesions], [w * width for w in (0.11, 0.11, 0.12, 0.22, 0.1, 0.24, 0.1)], s, header=True)]
    story += [paragraph("Tumour burden and C-NED per time point", s["h2"]),
              table([section.timepoint_header, *section.timepoints], [w * width for w in (0.14, 0.12, 0.14, 0.1, 0.1, 0.4)], s, header=True)]
    story += [paragraph(f"WARNING: {text}", s["warn"]) for text in section.warnings]
    story += [Spacer(1, 4)] + [paragraph(text, s["small"]) for text in section.notes]
    return story + [Spacer(1, 6), paragraph(DISCLAIMER, s["warn"])]


def write_response_pdf(section: ResponseSection, path: str | os.PathLike, footer: str = "CNED Viewer: follow-up response",
                       created: dt.datetime | None = None) -> Path:
    """Write the PDF atomically."""
    return write_pdf(path, lambda width: response_story(section, width), title=section.title, footer_text=footer,
                     subject="Follow-up response", created=created)
