"""DICOM values as people read them (pure): dates, times, person names, ages and sex.

DICOM stores a date (DA) as ``20090527``, a time (TM) as ``143005.123``, a person name (PN)
as ``Family^Given^Middle^Prefix^Suffix`` and an age (AS) as ``063Y``. The case tab and the
report show them as ``2009-05-27``, ``14:30:05``, ``Doe, John`` and ``63 years``. A value
that does not follow its format is shown as it is, never dropped or guessed at.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

#: Tags holding a person name (PN); other ``...Name`` tags (e.g. InstitutionName) are plain text.
PERSON_NAME_TAGS = frozenset({"PatientName", "ReferringPhysicianName", "PerformingPhysicianName", "OperatorsName"})
SEX_WORDS = {"F": "female", "M": "male", "O": "other"}
_AGE_UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years"}


def parse_date(value: Any) -> dt.date | None:
    """The date of a DA value (``YYYYMMDD``, or the old ``YYYY.MM.DD``); None if it is not one."""
    text = str(value or "").strip().replace(".", "")
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def format_date(value: Any) -> str:
    """``20090527`` -> ``2009-05-27``; empty stays empty; anything else is returned as given."""
    date = parse_date(value)
    return date.isoformat() if date is not None else str(value or "").strip()


def format_time(value: Any) -> str:
    """``143005.123`` -> ``14:30:05``, ``1430`` -> ``14:30``, ``14`` -> ``14:00``; otherwise as given."""
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{2}):?(\d{2})?(?::?(\d{2}))?(?:\.\d*)?", text)
    if match is None:
        return text
    hours, minutes, seconds = match.groups()
    if int(hours) > 23 or int(minutes or 0) > 59 or int(seconds or 0) > 60:
        return text
    return f"{hours}:{minutes or '00'}" + (f":{seconds}" if seconds else "")


def _readable_case(part: str) -> str:
    """A name part all in upper or all in lower case gets a capital per word; mixed case is kept."""
    if part != part.upper() and part != part.lower():
        return part
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), part.lower())


def format_person_name(value: Any) -> str:
    """``DOE^JOHN^A^Dr`` -> ``Doe, Dr John A``: family name first, then a comma, as name lists read.

    The alphabetic group (before any ``=``) is used; parts are family, given, middle, prefix,
    suffix. A name without ``^`` is returned with its spaces tidied.
    """
    text = str(value or "").split("=")[0].strip()
    if "^" not in text:
        return " ".join(text.split())
    parts = [" ".join(p.split()) for p in text.split("^")] + [""] * 5
    family, given, middle, prefix, suffix = (_readable_case(p) for p in parts[:5])
    first = " ".join(p for p in (prefix, given, middle) if p)
    name = ", ".join(p for p in (family, first) if p)
    return f"{name}, {suffix}" if suffix else name


def parse_age_years(value: Any) -> float | None:
    """The age in years of an AS value (``063Y``, ``006M``, ``012W``, ``100D``); None if not one."""
    match = re.fullmatch(r"(\d{3})([DWMY])", str(value or "").strip().upper())
    if match is None:
        return None
    number = int(match.group(1))
    return {"D": number / 365.25, "W": number * 7 / 365.25, "M": number / 12.0, "Y": float(number)}[match.group(2)]


def format_age(value: Any) -> str:
    """``063Y`` -> ``63 years``; otherwise as given."""
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{3})([DWMY])", text.upper())
    return f"{int(match.group(1))} {_AGE_UNITS[match.group(2)]}" if match else text


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years from ``birth`` to ``day`` (a birthday counts on its date)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def format_sex(value: Any) -> str:
    """``F`` / ``M`` / ``O`` in words; otherwise as given."""
    text = str(value or "").strip()
    return SEX_WORDS.get(text.upper(), text)


def format_tag(tag: str, value: Any) -> str:
    """A metadata value by its DICOM keyword: dates, times, names, ages and sex readable; other text as given."""
    if tag in PERSON_NAME_TAGS:
        return format_person_name(value)
    if tag.endswith("Date"):
        return format_date(value)
    if tag.endswith("Time"):
        return format_time(value)
    if tag == "PatientAge":
        return format_age(value)
    if tag == "PatientSex":
        return format_sex(value)
    return str(value or "").strip()
