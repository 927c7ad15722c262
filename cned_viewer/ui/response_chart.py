"""A small chart of the response over time: total tumour volume and the RECIST sum of diameters per time point.

Drawn with matplotlib's Qt canvas (the Figure API, not pyplot, so the cohort report's Agg backend is
untouched); TTV on the left axis, the sum of target diameters on the right.
"""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure

TTV_COLOUR, SUM_COLOUR = "#c0392b", "#2471a3"


class ResponseChart(FigureCanvasQTAgg):
    """TTV (mL) and sum of diameters (mm) against the time points of a comparison."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(4.0, 1.8), dpi=90, layout="constrained")
        super().__init__(self.figure)
        self.setMinimumHeight(140)
        self.curve: list[tuple[str, float, float]] = []
        self.show_curve([])

    def show_curve(self, curve: list[tuple[str, float, float]]) -> None:
        """``(name, ttv_ml, sum_mm)`` per time point, baseline first; empty: a hint instead of a chart."""
        self.curve = list(curve)
        self.figure.clear()
        axes = self.figure.add_subplot()
        if not self.curve:
            axes.set_axis_off()
            axes.text(0.5, 0.5, "Open a follow-up scan to see the response over time", ha="center", va="center", fontsize=8)
        else:
            names = [name for name, _, _ in self.curve]
            x = list(range(len(names)))
            axes.plot(x, [ttv for _, ttv, _ in self.curve], "o-", color=TTV_COLOUR)
            axes.set_ylabel("TTV (mL)", color=TTV_COLOUR, fontsize=8)
            other = axes.twinx()
            other.plot(x, [total for _, _, total in self.curve], "s--", color=SUM_COLOUR)
            other.set_ylabel("Sum of diameters (mm)", color=SUM_COLOUR, fontsize=8)
            axes.set_xticks(x, names, fontsize=7)
            for each in (axes, other):
                each.tick_params(labelsize=7)
                each.set_ylim(bottom=0)
        self.draw_idle()
