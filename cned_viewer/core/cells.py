"""Reading typed cells: the one yes/no parser and the one number parser (decimal mark, thousands).

A number such as ``1,200`` is ambiguous: 1200 with a thousands separator, or 1.2 with a
decimal comma. Unless the decimal mark is stated (``decimal=","`` or ``"."``), it is refused,
never guessed. Unambiguous forms are read: ``12,5`` (a comma not followed by exactly three
digits), ``0,230`` (a leading 0 is never a thousands group), ``1.200,5`` and ``1,200.5`` (both
marks: the last one is the decimal mark).

>>> parse_decimal("12,5"), parse_decimal("1,200.5"), parse_decimal("1.200", ",")
(12.5, 1200.5, 1200.0)
>>> parse_yes_no("1.0"), parse_yes_no("No"), parse_yes_no(0)
(True, False, False)
"""

from __future__ import annotations

import math
import re
from typing import Any, Literal

DecimalMark = Literal[",", "."]

#: Spellings of yes and no (case-insensitive); numbers equal to 1 or 0 count too (1, 1.0, "0.0").
TRUE_WORDS = frozenset({"yes", "y", "true", "t"})
FALSE_WORDS = frozenset({"no", "n", "false", "f"})

_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")
_GROUPED = {",": re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?"), ".": re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")}


class CellError(ValueError):
    """A cell that cannot be read; the message says why and what to do."""


class AmbiguousNumber(CellError):
    """A number whose decimal mark cannot be told (``1,200``) or does not fit the stated one."""


def parse_yes_no(raw: Any) -> bool | None:
    """``True`` / ``False`` for a yes/no spelling (true/false, yes/no, y/n, 1/0, 1.0/0.0); ``None`` otherwise."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return {1: True, 0: False}.get(raw) if math.isfinite(raw) else None  # type: ignore[call-overload]
    if not isinstance(raw, str):
        return None
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    try:
        number = float(word)
    except ValueError:
        return None
    return {1.0: True, 0.0: False}.get(number)


def parse_decimal(text: str, decimal: DecimalMark | None = None) -> float:
    """``text`` as a number; :class:`CellError` when it is not one or when the decimal mark is ambiguous."""
    cleaned = text.strip().replace("\u2212", "-")
    if "," in cleaned and "." in cleaned:
        mark = decimal or ("," if cleaned.rfind(",") > cleaned.rfind(".") else ".")
        if not _GROUPED[mark].fullmatch(cleaned):
            raise AmbiguousNumber(f"{text!r} mixes ',' and '.' in a way that is not a number with thousands separators")
        return _float(cleaned.replace("." if mark == "," else ",", "").replace(",", "."), text)
    if decimal is None:
        for mark in (",", "."):
            if cleaned.count("." if mark == "," else ",") > 1 and _GROUPED[mark].fullmatch(cleaned):
                return _float(cleaned.replace("." if mark == "," else ",", ""), text)  # 1,200,000: thousands only
        if _AMBIGUOUS.fullmatch(cleaned) and "," in cleaned:
            raise AmbiguousNumber(f"{text!r} is ambiguous: {cleaned.replace(',', '')} with a thousands separator, or "
                            f"{cleaned.replace(',', '.')} with a decimal comma; state the decimal mark "
                            "(--decimal , or --decimal .) or write the number without a thousands separator")
        return _float(cleaned.replace(",", "."), text) if cleaned.count(",") == 1 else _float(cleaned, text)
    other = "." if decimal == "," else ","
    if other in cleaned:
        if not _GROUPED[decimal].fullmatch(cleaned):
            raise AmbiguousNumber(f"{text!r} is not a number with the decimal mark {decimal!r}")
        cleaned = cleaned.replace(other, "")
    return _float(cleaned.replace(",", "."), text)


def _float(text: str, raw: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CellError(f"{raw!r} is not a number") from None
    if not math.isfinite(value):
        raise CellError(f"{raw!r} is not a finite number")
    return value
