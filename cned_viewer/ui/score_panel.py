"""The score panel: C-NED large and first, then the other scores compact and expandable.

Every number shown comes from a :class:`~cned_viewer.scores.ScoreResult`, the measurements or
:func:`~cned_viewer.scores.evidence_for`; this module holds no clinical number.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QUrl, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QLabel, QSplitter, QTextBrowser, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from cned_viewer.core.clinical import FIELDS_BY_NAME
from cned_viewer.measure.results import Measurements
from cned_viewer.scores import ItemResult, ScoreResult, evidence_for
from cned_viewer.scores.evidence import cutoffs_for
from cned_viewer.scores.inputs import input_warnings
from cned_viewer.scores.results import format_number

#: Origin of an input -> (colour, word shown).
ORIGIN_STYLE = {
    "image": ("#1565c0", "image"),
    "typed": ("#2e7d32", "typed"),
    "override": ("#c05800", "OVERRIDE"),
    "missing": ("#9e9e9e", "missing"),
}
MAIN_SCORE = "cned"


def origin_tag(origin: str) -> str:
    colour, word = ORIGIN_STYLE[origin]
    return f'<span style="color:{colour}; font-weight:bold">[{word}]</span>'


#: Link scheme of a missing input in the card: a click asks for that field (``missing_input_clicked``).
FIELD_LINK = "field:"
#: Inputs measured lesion by lesion: stale between an edit and the lesion refresh.
LESION_INPUTS = ("lesion_count", "largest_diameter_cm", "bilobar")
UPDATING = "updating…"
#: Column headers of the other-scores list (with their units).
OTHER_HEADERS = ("Score / item (points)", "Result (points, or value in its unit)")


def missing_links(names: Sequence[str]) -> str:
    """The missing inputs as links that ask for the field."""
    labels = {n: FIELDS_BY_NAME[n].label if n in FIELDS_BY_NAME else n for n in names}
    return ", ".join(f'<a href="{FIELD_LINK}{escape(n)}">{escape(labels[n])}</a>' for n in names)


def item_html(item: ItemResult) -> str:
    points = "?" if item.points is None else str(item.points)
    values = "; ".join(f"{escape(i.label)}: {escape(i.text(stated=item.origin))}" for i in item.inputs)
    missing = f" <i>missing: {missing_links(item.missing)}</i>" if item.missing else ""
    caveat = f'<br>&nbsp;&nbsp;<small style="color:#b26a00">&#9888; {escape(item.caveat)}</small>' if item.caveat else ""
    return (f"<b>{points}/{item.max_points}</b> {escape(item.label)} {origin_tag(item.origin)}<br>&nbsp;&nbsp;"
            f"<small>{values}{missing}</small>{caveat}")


def is_stale(result: ScoreResult, measurements: Measurements | None) -> bool:
    """Whether the result reads a lesion-level image value that an edit has made stale."""
    if measurements is None or not measurements.lesions_stale:
        return False
    return any(i.name in LESION_INPUTS and i.origin in ("image", "override") for item in result.items for i in item.inputs)


#: Shown while an edit has not been followed by the lesion refresh yet.
STALE_NOTE = "Updating after the edit: the lesion count is the one before it, the TLVR range (borderline check) is not known yet."


def tlvr_html(measurements: Measurements | None, result: ScoreResult) -> str:
    """TLVR as used, with its numerator and denominator from the measurements."""
    used = next((i for item in result.items for i in item.inputs if i.name == "tlvr"), None)
    if used is None:
        return ""
    text = f"<b>TLVR used: {escape(used.text())}</b>"
    if measurements is not None and measurements.tlvr is not None:
        text += (f"<br><small>measured TLVR = TTV {measurements.ttv_ml:.1f} mL / total liver {measurements.total_liver_ml:.1f} mL"
                 f" = {format_number(measurements.tlvr, cutoffs_for('tlvr'))}; denominator: "
                 f"{escape(measurements.tlvr_denominator)}</small>")
    return text


def evidence_html(result: ScoreResult) -> str:
    evidence = evidence_for(result.score_id)
    group = evidence.group(result.group) if evidence is not None else None
    if group is None:
        return ""
    rows = "".join(f"<tr><td>{escape(f.label)}</td><td>{escape(f.quantity.text())}</td></tr>" for f in group.findings)
    return f"<b>What {escape(evidence.citation)} reported for group {escape(result.group or '')}</b><table>{rows}</table>"


class Headline(QLabel):
    """The C-NED result in plain words; a click on it asks for the first missing input."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class ScorePanel(QWidget):
    """Shows the results of :func:`cned_viewer.scores.evaluate_all`; call :meth:`show_results`.

    The C-NED card: the headline in plain words ("C-NED 1-2 of 3 — differentiation of the
    primary missing"), then (scrolling) each item with its origin, the TLVR with its
    denominator, borderline and plausibility warnings and the source's figures for the group.
    A click on the headline, or on a missing input in the card, emits
    :attr:`missing_input_clicked` with the field name (the window shows that field).
    """

    missing_input_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.results: list[ScoreResult] = []
        self.cned_title = QLabel("<b>C-NED</b>")
        self.cned_total = Headline("no case")
        self.cned_total.setWordWrap(True)
        self.cned_total.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.cned_total.clicked.connect(self._headline_clicked)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.anchorClicked.connect(self._link_clicked)
        self.others = QTreeWidget()
        self.others.setHeaderLabels(list(OTHER_HEADERS))
        self.others.setColumnWidth(0, 220)
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(6, 4, 6, 4)
        card_layout.addWidget(self.cned_title)
        card_layout.addWidget(self.cned_total)
        card_layout.addWidget(self.details, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(card)
        splitter.addWidget(self.others)
        splitter.setSizes([330, 150])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def details_text(self) -> str:
        """The C-NED card's details as plain text (what a reader sees)."""
        return self.details.toPlainText()

    def _main(self) -> ScoreResult | None:
        return next((r for r in self.results if r.score_id == MAIN_SCORE), None)

    def _headline_clicked(self) -> None:
        main = self._main()
        if main is not None and main.missing:
            self.missing_input_clicked.emit(main.missing[0])

    def _link_clicked(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith(FIELD_LINK):
            self.missing_input_clicked.emit(target.removeprefix(FIELD_LINK))

    def show_results(self, results: Sequence[ScoreResult], measurements: Measurements | None = None) -> None:
        self.results = list(results)
        main = self._main()
        if main is not None:
            self._show_main(main, measurements)
        self._show_others([r for r in self.results if r is not main], measurements)

    def _show_main(self, result: ScoreResult, measurements: Measurements | None) -> None:
        self.cned_title.setText(f"<b>{escape(result.name)}</b> <small>({escape(result.citation)})</small>")
        stale = f"  ({UPDATING})" if is_stale(result, measurements) else ""
        self.cned_total.setText(f"{result.headline()}{stale}")
        self.cned_total.setToolTip("Click to fill in the missing input" if result.missing else "")
        self.cned_total.setCursor(Qt.CursorShape.PointingHandCursor if result.missing else Qt.CursorShape.ArrowCursor)
        missing = f"<p><i>missing: {missing_links(result.missing)}</i></p>" if result.missing else ""
        inputs = {i.name: i for r in self.results for item in r.items for i in item.inputs}
        notes = [*result.borderline, *input_warnings(inputs), *(measurements.warnings if measurements is not None else ())]
        warnings = "".join(f'<p style="color:#b26a00">&#9888; {escape(m)}</p>' for m in notes)
        if measurements is not None and measurements.lesions_stale:
            warnings += f"<p><i>{STALE_NOTE}</i></p>"
        self.details.setHtml(
            "<p>" + "<br>".join(item_html(i) for i in result.items) + "</p>" + missing
            + f"<p>{tlvr_html(measurements, result)}</p>" + warnings + evidence_html(result)
        )

    def _show_others(self, results: Sequence[ScoreResult], measurements: Measurements | None = None) -> None:
        expanded = {self.others.topLevelItem(i).text(0) for i in range(self.others.topLevelItemCount())
                    if self.others.topLevelItem(i).isExpanded()}
        self.others.clear()
        for result in results:
            group = f", {result.group}" if result.group is not None else ""
            stale = f" ({UPDATING})" if is_stale(result, measurements) else ""
            top = QTreeWidgetItem([result.name, f"{result.total_text()}{group}{stale}"])
            top.setToolTip(0, result.citation)
            for item in result.items:
                points = "" if item.max_points == 0 else ("?" if item.points is None else str(item.points)) + f"/{item.max_points} "
                child = QTreeWidgetItem([f"{points}{item.label}", "; ".join(f"{i.label}: {i.text()}" for i in item.inputs)])
                child.setToolTip(1, child.text(1))
                top.addChild(child)
            for key, value in result.values.items():
                top.addChild(QTreeWidgetItem([key.replace("_", " "), "not computable" if value is None else format_number(value)]))
            for message in result.borderline:
                top.addChild(QTreeWidgetItem(["borderline", message]))
            for caveat in result.caveats:
                top.addChild(QTreeWidgetItem(["sources differ", caveat]))
            if result.missing:
                top.addChild(QTreeWidgetItem(["missing", ", ".join(result.missing_labels())]))
            self.others.addTopLevelItem(top)
            top.setExpanded(result.name in expanded)
