"""DICOM dates, times, names, ages and sex as people read them."""

from __future__ import annotations

import datetime as dt

import pytest

from cned_viewer.core.dicom_text import (
    age_on,
    format_age,
    format_date,
    format_person_name,
    format_sex,
    format_tag,
    format_time,
    parse_age_years,
    parse_date,
)


@pytest.mark.parametrize(("raw", "shown"), [
    ("20090527", "2009-05-27"), ("2009.05.27", "2009-05-27"), (" 20090527 ", "2009-05-27"),
    ("", ""), (None, ""), ("20091327", "20091327"), ("2009", "2009"), ("unknown", "unknown"),
])
def test_dates(raw, shown):
    assert format_date(raw) == shown


def test_parse_date():
    assert parse_date("20000229") == dt.date(2000, 2, 29)
    assert parse_date("20010229") is None


@pytest.mark.parametrize(("raw", "shown"), [
    ("143005", "14:30:05"), ("143005.123456", "14:30:05"), ("1430", "14:30"), ("14", "14:00"),
    ("14:30:05", "14:30:05"), ("", ""), ("2560", "2560"), ("noon", "noon"),
])
def test_times(raw, shown):
    assert format_time(raw) == shown


@pytest.mark.parametrize(("raw", "shown"), [
    ("liver_01^patient", "Liver_01, Patient"),
    ("DOE^JOHN", "Doe, John"),
    ("DOE^JOHN^ALBERT^DR^JR", "Doe, Dr John Albert, Jr"),
    ("McDonald^Ann", "McDonald, Ann"),
    ("O'NEIL^MARY-ANN", "O'Neil, Mary-Ann"),
    ("DOE^", "Doe"),
    ("^JOHN", "John"),
    ("Yamada^Tarou=山田^太郎", "Yamada, Tarou"),
    ("Anonymous  case", "Anonymous case"),
    ("", ""),
])
def test_person_names_family_first(raw, shown):
    assert format_person_name(raw) == shown


def test_ages_and_sex():
    assert format_age("063Y") == "63 years" and format_age("006M") == "6 months" and format_age("63") == "63"
    assert parse_age_years("063Y") == 63.0 and parse_age_years("018M") == 1.5 and parse_age_years("63 y") is None
    assert age_on(dt.date(1950, 6, 1), dt.date(2009, 5, 31)) == 58
    assert age_on(dt.date(1950, 6, 1), dt.date(2009, 6, 1)) == 59
    assert format_sex("F") == "female" and format_sex("m") == "male" and format_sex("") == ""


def test_format_tag_by_keyword():
    assert format_tag("StudyDate", "20090527") == "2009-05-27"
    assert format_tag("PatientBirthDate", "19500601") == "1950-06-01"
    assert format_tag("StudyTime", "101500") == "10:15:00"
    assert format_tag("PatientName", "liver_01^patient") == "Liver_01, Patient"
    assert format_tag("InstitutionName", "St^Mary") == "St^Mary"  # not a person name
    assert format_tag("PatientSex", "F") == "female"
    assert format_tag("Modality", None) == ""
