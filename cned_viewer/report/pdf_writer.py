"""Lay out a :class:`ReportData` as a PDF (reportlab, fonts embedded, A4 or Letter)."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from cned_viewer.errors import UserError
from cned_viewer.io.atomic import atomic_write
from cned_viewer.report.report_data import CNED_ITEM_HEADER, SCORE_HEADER, ReportData
from cned_viewer.report.response_section import ResponseSection

PAGE_SIZES = {"a4": A4, "letter": letter}
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
ACCENT = colors.HexColor("#1f4e79")
WARN = colors.HexColor("#b03a2e")


def _register_fonts() -> tuple[str, str]:
    """DejaVu Sans (embedded; has µ, ≥ and accents), else reportlab's bundled Vera."""
    if "CNED-Regular" in pdfmetrics.getRegisteredFontNames():
        return "CNED-Regular", "CNED-Bold"
    candidates = [(Path(d) / "DejaVuSans.ttf", Path(d) / "DejaVuSans-Bold.ttf") for d in _FONT_DIRS]
    import reportlab

    bundled = Path(reportlab.__file__).parent / "fonts"
    candidates.append((bundled / "Vera.ttf", bundled / "VeraBd.ttf"))
    regular, bold = next((r, b) for r, b in candidates if r.is_file() and b.is_file())
    pdfmetrics.registerFont(TTFont("CNED-Regular", str(regular)))
    pdfmetrics.registerFont(TTFont("CNED-Bold", str(bold)))
    return "CNED-Regular", "CNED-Bold"


def styles() -> dict[str, ParagraphStyle]:
    regular, bold = _register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=10.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=15, leading=18, textColor=ACCENT),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3, textColor=ACCENT),
        "score": ParagraphStyle("score", parent=base, fontName=bold, fontSize=20, leading=24),
        "warn": ParagraphStyle("warn", parent=base, fontName=bold, textColor=WARN),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "cellbold": ParagraphStyle("cellbold", parent=base, fontName=bold, fontSize=7.5, leading=9),
    }


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def table(rows, widths, styles, header: bool = False) -> Table:
    cells = [[paragraph(str(c), styles["cellbold" if header and r == 0 else "cell"]) for c in row] for r, row in enumerate(rows)]
    table = Table(cells, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c8ccd0")),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")))
    table.setStyle(TableStyle(commands))
    return table


def _cned_block(data: ReportData, styles, width: float) -> list:
    result = data.cned
    headline = f"C-NED {result.total_text()}"
    flow = [paragraph(headline, styles["score"])]
    if not result.complete:
        flow.append(paragraph("INCOMPLETE: missing " + ", ".join(result.missing_labels()) + ". No total is given until every input is known.", styles["warn"]))
    flow.append(table([CNED_ITEM_HEADER] + list(data.cned_items), [0.3 * width, 0.1 * width, 0.6 * width], styles, header=True))
    for message in result.borderline:
        flow.append(paragraph("BORDERLINE: " + message.removeprefix("borderline: "), styles["warn"]))
    flow.append(Spacer(1, 3))
    flow.append(table([("What the source reported", "")] + list(data.cned_evidence), [0.45 * width, 0.55 * width], styles, header=True))
    flow.append(paragraph(f"Source: {data.cned_citation}. Group figures are the paper's, for its cohort; they are not a prediction for this patient.", styles["small"]))
    return flow


def _plan_section(section, styles, width: float) -> list:
    """One "Resection plan" section (:class:`cned_viewer.report.plan_section.PlanSection`)."""
    flow = [paragraph(section.title, styles["h2"]), table(list(section.figures), [0.3 * width, 0.7 * width], styles)]
    if section.lesions:
        lesions = table([section.lesion_header] + list(section.lesions), [0.1 * width, 0.2 * width, 0.2 * width], styles, header=True)
        lesions.hAlign = "LEFT"
        flow += [Spacer(1, 3), lesions]
    flow += [paragraph(section.remnant_lesions, styles["base"]), paragraph(section.margin_method, styles["small"]),
             paragraph(section.verdict, styles["bold" if section.ned else "warn"])]
    flow += [paragraph(f"Note: {text}", styles["small"]) for text in section.warnings]
    if section.image is not None:
        flow += _images([section.image], styles, 0.6 * width)
    return [KeepTogether(flow)]


def response_block(section: ResponseSection, s, width: float, title_style: str = "h2") -> list:
    """The "Response" section's flowables: figures, lesion table, time points, warnings and notes."""
    story = [paragraph(section.title, s[title_style]), Spacer(1, 4), table(list(section.figures), [0.28 * width, 0.72 * width], s)]
    story += [paragraph(f"Lesions ({len(section.lesions)})", s["h2"]),
              table([section.lesion_header, *section.lesions], [w * width for w in (0.11, 0.11, 0.12, 0.22, 0.1, 0.24, 0.1)], s, header=True)]
    story += [paragraph("Tumour burden, response and C-NED per time point", s["h2"]),
              table([section.timepoint_header, *section.timepoints],
                    [w * width for w in (0.12, 0.09, 0.1, 0.08, 0.1, 0.14, 0.14, 0.23)], s, header=True)]
    story += [paragraph(f"WARNING: {text}", s["warn"]) for text in section.warnings]
    return story + [Spacer(1, 4)] + [paragraph(text, s["small"]) for text in section.notes]


def _images(images, styles, width: float) -> list:
    cell_width = width / len(images) - 4
    pictures, captions = [], []
    for image in images:
        reader = Image(io.BytesIO(image.png))
        scale = cell_width / reader.imageWidth
        pictures.append(Image(io.BytesIO(image.png), width=cell_width, height=reader.imageHeight * scale))
        captions.append(paragraph(image.caption, styles["small"]))
    table = Table([pictures, captions], colWidths=[width / len(images)] * len(images))
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    return [table]


def build_story(data: ReportData, width: float) -> list:
    """The flowables of the report, in reading order."""
    s = styles()
    story = [paragraph(data.title, s["title"]), Spacer(1, 2)]
    story.append(table(_pairs_in_columns(data.identification), [0.16 * width, 0.34 * width] * 2, s))
    story += [paragraph("C-NED score (Li et al. 2022): conversion to no evidence of disease", s["h2"])] + _cned_block(data, s, width)
    story += [paragraph("Other scores", s["h2"]), table([SCORE_HEADER] + list(data.other_scores), [0.22 * width, 0.28 * width, 0.12 * width, 0.38 * width], s, header=True)]
    story += [paragraph("Measurements (voxel counts x voxel volume; never mesh volumes)", s["h2"]), table(list(data.measurements), [0.3 * width, 0.7 * width], s)]
    if data.images:
        story += [KeepTogether([paragraph("Views", s["h2"])] + _images(data.images, s, width))]
    lesion_widths = [0.05, 0.11, 0.11, 0.11, 0.14, 0.24, 0.24]
    story += [KeepTogether([paragraph(f"Lesions ({len(data.lesions)})", s["h2"]), table([data.lesion_header] + list(data.lesions), [w * width for w in lesion_widths], s, header=True)])]
    for section in data.extra_sections:
        story += [paragraph(section.title, s["h2"]), paragraph(f"From the plugin {section.source}", s["small"])]
        if section.rows:
            story.append(table(list(section.rows), [0.3 * width, 0.7 * width], s))
        story += [paragraph(text, s["base"]) for text in section.paragraphs]
    for plan in data.plan_sections:
        story += _plan_section(plan, s, width)
    if data.response_section is not None:
        story += response_block(data.response_section, s, width)
    story += [paragraph("Manual edits", s["h2"])] + [paragraph(line, s["base"]) for line in data.edits]
    if data.notices:
        story += [paragraph("Notices from loading and measuring", s["h2"])] + [paragraph(line, s["small"]) for line in data.notices]
    story += [Spacer(1, 6), paragraph(data.disclaimer, s["warn"])]
    return story


def _pairs_in_columns(pairs) -> list[tuple[str, str, str, str]]:
    half = (len(pairs) + 1) // 2
    left, right = list(pairs[:half]), list(pairs[half:]) + [("", "")] * (2 * half - len(pairs))
    return [(a, b, c, d) for (a, b), (c, d) in zip(left, right)]


def pdf_date(moment: dt.datetime) -> str:
    """``moment`` as a PDF date, ``D:YYYYMMDDHHmmSS+HH'mm'`` (a naive ``moment`` is local time)."""
    moment = moment if moment.utcoffset() is not None else moment.astimezone()
    minutes = int(moment.utcoffset().total_seconds() // 60)  # type: ignore[union-attr]
    sign = "-" if minutes < 0 else "+"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def write_report_pdf(data: ReportData, path: str | os.PathLike, page_size: str = "a4", created: dt.datetime | None = None) -> Path:
    """Write the PDF atomically; ``page_size`` is ``a4`` or ``letter``; CreationDate and ModDate are
    ``created`` (default now), in local time with its UTC offset."""
    return write_pdf(path, lambda width: build_story(data, width), title=data.pdf_title, footer_text=data.footer,
                     subject="C-NED score report", page_size=page_size, created=created)


def write_pdf(path: str | os.PathLike, story: Callable[[float], list], *, title: str, footer_text: str, subject: str,
              page_size: str = "a4", created: dt.datetime | None = None) -> Path:
    """Lay out the flowables ``story(frame width)`` with the report's margins, fonts and footer, atomically."""
    if page_size.lower() not in PAGE_SIZES:
        raise UserError(f"unknown page size {page_size!r}; use a4 or letter")
    size = PAGE_SIZES[page_size.lower()]
    regular, _ = _register_fonts()
    stamp = pdf_date(created or dt.datetime.now())

    def footer(canvas, document) -> None:
        canvas.setDateFormatter(lambda *_: stamp)  # reportlab's own stamp gets offsets wrong (and 2000-01-01 when invariant)
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.grey)
        canvas.drawString(document.leftMargin, 10 * mm, footer_text)
        canvas.drawRightString(size[0] - document.rightMargin, 10 * mm, f"page {document.page}")
        canvas.restoreState()

    def write(tmp: Path) -> None:
        document = SimpleDocTemplate(
            str(tmp), pagesize=size, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm, bottomMargin=16 * mm,
            title=title, author="", subject=subject, creator="CNED Viewer", initialFontName=regular, initialFontSize=8,
        )
        document.build(story(document.width), onFirstPage=footer, onLaterPages=footer)

    return atomic_write(path, write)
