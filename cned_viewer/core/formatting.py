"""The one formatter of numbers for people (panel, form, text output, report), never for machines.

Rule (issue 13): a value is shown with :data:`SIGNIFICANT` significant digits (never in
exponent form, never rounding the integer part away), and with more digits only when the
rounded text would land on, or cross, a cut-off the value is compared with. So TLVR
0.2299999 next to "TLVR >= 0.23" reads "0.2299999", not "0.23"; TBS 2.9999 next to the
zone "< 3" reads "2.9999", not "3". A value exactly on a cut-off is shown as the cut-off.
CSV and JSON outputs keep full precision (:func:`machine_number`).

>>> format_value(0.239)
'0.239'
>>> format_value(0.2299999, (0.23,))
'0.2299999'
>>> format_value(2.828427125, (3, 9))
'2.83'
>>> format_value(1234.56)
'1235'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

#: Significant digits shown by default (ratios: 0.239; volumes keep their integer part).
SIGNIFICANT = 3
_MAX_DECIMALS = 17


def _decimals_for(value: float, significant: int) -> int:
    """Decimals that give ``significant`` significant digits, at least 0 (no exponent form)."""
    if value == 0:
        return max(significant - 1, 0)
    return max(significant - 1 - math.floor(math.log10(abs(value))), 0)


def _fixed(value: float, decimals: int) -> str:
    """``value`` with ``decimals`` decimals, trailing zeros (and a bare point) dropped; no "-0"."""
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def misleads(value: float, shown: float, cutoffs: Iterable[float]) -> bool:
    """True when ``shown`` lands on or crosses a cut-off that ``value`` does not sit on."""
    for cutoff in cutoffs:
        if value == cutoff:
            if shown != cutoff:
                return True
        elif shown == cutoff or (shown > cutoff) != (value > cutoff):
            return True
    return False


def format_value(value: Any, cutoffs: Iterable[float] = (), significant: int = SIGNIFICANT) -> str:
    """``value`` for a person: see the module doc. Non-floats (ints, words) are shown as they are."""
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    cutoffs = tuple(float(c) for c in cutoffs)
    decimals = _decimals_for(value, significant)
    while True:
        text = _fixed(value, decimals)
        if not misleads(value, float(text), cutoffs):
            return text
        if decimals >= _MAX_DECIMALS:
            return repr(value)
        decimals += 1


def machine_number(value: Any) -> str:
    """A number for CSV: integers as integers, floats at full (round-trip) precision."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)
