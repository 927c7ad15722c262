"""A corpus of clinical tables as hospitals write them, with the parse expected (issue 13.2, 13.3)."""

import csv

import pytest

from cned_viewer.core.cells import parse_decimal, parse_yes_no
from cned_viewer.core.clinical import ClinicalData
from cned_viewer.errors import UserError
from cned_viewer.scores.cohort import check_header, row_clinical
from cned_viewer.scores.inputs import typed_inputs
from cned_viewer.scores.registry import get_score
from tests.unit.scores.test_scores_cli import run


def score_table(tmp_path, text, *options):
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(text, encoding="utf-8")
    code = run("score-table", source, "-o", out, *options)
    rows = list(csv.DictReader(out.open(newline=""), delimiter=";" if text.count(";") > text.count(",") else ","))
    return code, rows


# (table, options, expected parse per row: column -> value; an error text for a refused row)
CORPUS = [
    ("european decimal commas",
     "patient_id;cea_ng_ml;tlvr;largest_diameter_cm\nA;12,5;0,25;5,01\nB;0,5;0,230;4,99\n", (),
     [{"cea_ng_ml": 12.5, "tlvr": 0.25, "largest_diameter_cm": 5.01}, {"cea_ng_ml": 0.5, "tlvr": 0.23}]),
    ("thousands separator, decimal mark not stated",
     "patient_id;cea_ng_ml\nA;1,200\nB;250\n", (), ["line 2 (patient A): column cea_ng_ml: CEA: '1,200' is ambiguous", {"cea_ng_ml": 250.0}]),
    ("thousands separator, decimal comma stated",
     "patient_id;cea_ng_ml\nA;1,200\nB;1.250,5\n", ("--decimal", ","), [{"cea_ng_ml": 1.2}, {"cea_ng_ml": 1250.5}]),
    ("thousands separator, decimal point stated",
     'patient_id,cea_ng_ml\nA,"1,200"\nB,"1,000,000"\n', ("--decimal", "."), [{"cea_ng_ml": 1200.0}, {"cea_ng_ml": 1e6}]),
    ("both marks: the last one is the decimal mark",
     'patient_id,cea_ng_ml\nA,"1,200.5"\nB,"1,200,000"\n', (), [{"cea_ng_ml": 1200.5}, {"cea_ng_ml": 1.2e6}]),
    ("a decimal comma where a point is stated is refused",
     "patient_id;cea_ng_ml\nA;12,5\n", ("--decimal", "."), ["line 2 (patient A): column cea_ng_ml: CEA: '12,5' is not a number"]),
    ("yes/no spellings",
     "patient_id,node_positive,synchronous,extrahepatic_disease,kras_mutated\n"
     "A,yes,1,0,true\nB,No,1.0,0.0,FALSE\nC,Y,True,n,mutated\nD,,unknown,NA,wild-type\n", (),
     [{"node_positive": True, "synchronous": True, "extrahepatic_disease": False, "kras_mutated": True},
      {"node_positive": False, "synchronous": True, "extrahepatic_disease": False, "kras_mutated": False},
      {"node_positive": True, "synchronous": True, "extrahepatic_disease": False, "kras_mutated": True},
      {"node_positive": None, "synchronous": None, "extrahepatic_disease": None, "kras_mutated": False}]),
    ("choice spellings",
     "patient_id,differentiation,pt_stage\nA,G3,T4a\nB,poorly differentiated,t3\nC,Moderate,\n", (),
     [{"differentiation": "poor", "pt_stage": "T4a"}, {"differentiation": "poor", "pt_stage": "T3"},
      {"differentiation": "moderate"}]),
]


@pytest.mark.parametrize(("name", "text", "options", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus(tmp_path, capsys, name, text, options, expected):
    delimiter = ";" if text.count(";") > text.count(",") else ","
    lines = list(csv.DictReader(text.splitlines(), delimiter=delimiter))
    decimal = options[1] if options else None
    code, out = score_table(tmp_path, text, *options)
    err = capsys.readouterr().err
    refused = [e for e in expected if isinstance(e, str)]
    assert code == (1 if refused else 0)
    assert len(out) == len(expected) - len(refused)
    for message in refused:
        assert message in err
    for row, want in zip(lines, expected):
        if isinstance(want, str):
            with pytest.raises(UserError):
                row_clinical(row, decimal)
            continue
        clinical = row_clinical(row, decimal)
        for column, value in want.items():
            got = clinical.overrides[column].value if column in clinical.overrides else getattr(clinical, column)
            assert got == value and type(got) is type(value), (column, got, value)


@pytest.mark.parametrize(("header", "named"), [
    (["patient_id", "diferentiation"], "'diferentiation' (did you mean 'differentiation'?)"),
    (["patient_id", "CEA"], "'CEA' (did you mean 'cea_ng_ml'?)"),
    (["patient_id", "Node Positive"], "'Node Positive' (did you mean 'node_positive'?)"),
    (["lesion count", "tlvr"], "'lesion count' (did you mean 'lesion_count'?)"),
    (["ttv_followup", "age"], "'ttv_followup' (did you mean 'ttv_followup_ml'?), 'age' (did you mean 'age_years'?)"),
])
def test_misspelled_headers_are_named_with_the_nearest_name(header, named):
    with pytest.raises(UserError) as error:
        check_header(header)
    assert named in str(error.value)


def test_unrelated_columns_pass_through():
    check_header(["patient_id", "site_note", "hospital", "image", "labels", "series", "date_of_ct"])


def test_misspelled_header_refuses_the_table(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("patient_id,diferentiation\nA,poor\n")
    with pytest.raises(UserError, match="did you mean 'differentiation'"):
        run("score-table", source, "-o", tmp_path / "out.csv")


@pytest.mark.parametrize("spelling", [True, 1, 1.0, "1", "1.0", "yes", "TRUE", "y"])
def test_synchronous_yes_counts_in_the_interval_rule_whatever_the_spelling(spelling):
    for inputs in (typed_inputs({"synchronous": spelling, "disease_free_interval_months": None}),):
        item = next(i for i in get_score("fong").evaluate(inputs).items if i.key == "disease_free_interval")
        assert item.points == 1 and not item.missing
    assert ClinicalData(synchronous=spelling).synchronous is True


def test_yes_no_parser():
    assert [parse_yes_no(v) for v in ("1", "1.0", "0.0", "0", 1, 0.0, "yes", "No", "maybe", 2, "2")] == \
        [True, True, False, False, True, False, True, False, None, None, None]


def test_decimal_parser_refuses_what_it_cannot_tell():
    assert parse_decimal("0,230") == 0.23  # a leading 0 is never a thousands group
    for text in ("1,200", "12,345", "-1,200"):
        with pytest.raises(ValueError, match="ambiguous"):
            parse_decimal(text)
    with pytest.raises(UserError, match="ambiguous"):
        ClinicalData(cea_ng_ml="1,200")
