"""``score-table`` on 2,000 random rows equals an independent implementation to 1e-9 (issue 13)."""

import csv
import math
import random

import pytest

from tests.unit.scores.test_scores_cli import run

YES = ("1", "yes", "true", "Y", "1.0", "TRUE")
NO = ("0", "no", "false", "N", "0.0", "False")
COLUMNS = ("patient_id", "differentiation", "node_positive", "synchronous", "disease_free_interval_months",
           "cea_ng_ml", "lesion_count", "largest_diameter_cm", "tlvr", "kras_mutated", "ras_mutated",
           "extrahepatic_disease", "age_years", "pt4")


def _yes(cell: str) -> bool | None:
    """The twin's own reading of a yes/no cell."""
    return None if cell == "" else cell.lower() in ("1", "yes", "true", "y", "1.0")


def _num(cell: str) -> float | None:
    return None if cell == "" else float(cell)


def twin(row: dict[str, str]) -> dict[str, tuple[float | None, str]]:
    """Every score's (total, group) written from the clinical specification, sharing no code with the app."""
    poor = None if row["differentiation"] == "" else row["differentiation"] == "poor"
    node, sync, kras, ras, extra, pt4 = (_yes(row[k]) for k in ("node_positive", "synchronous", "kras_mutated",
                                                                 "ras_mutated", "extrahepatic_disease", "pt4"))
    dfi, cea, count, diameter, tlvr, age = (_num(row[k]) for k in ("disease_free_interval_months", "cea_ng_ml",
                                                                   "lesion_count", "largest_diameter_cm", "tlvr", "age_years"))

    def total(*points):
        return None if any(p is None for p in points) else float(sum(points))

    def interval(months):
        if sync:
            return 1
        return None if dfi is None else int(dfi < months)

    def more(value, cut):
        return None if value is None else int(value > cut)

    def grouped(value, groups):
        return "" if value is None else [label for label, low in groups if value >= low][-1]

    tbs = None if diameter is None or count is None else math.sqrt(diameter ** 2 + count ** 2)
    tbs_points = None if tbs is None else (2 if tbs >= 9 else 1 if tbs >= 3 else 0)
    cned = total(None if poor is None else int(poor), more(count, 8), None if tlvr is None else int(tlvr >= 0.23))
    fong = total(node, interval(12), more(count, 1), more(cea, 200), more(diameter, 5))
    game = total(kras, None if cea is None else int(cea >= 20), node, tbs_points, None if extra is None else 2 * extra)
    mcs = total(ras, node, more(diameter, 5))
    nordlinger = total(more(age, 60), pt4, node, interval(24), None if count is None else int(count >= 4), more(diameter, 5))
    return {
        "cned": (cned, "" if cned is None else str(int(cned))),
        "fong": (fong, grouped(fong, [("low", 0), ("high", 3)])),
        "tbs": (tbs, grouped(tbs, [("< 3", 0), ("3 to < 9", 3), (">= 9", 9)])),
        "game": (game, grouped(game, [("low", 0), ("medium", 2), ("high", 4)])),
        "mcs": (mcs, ""),
        "nordlinger": (nordlinger, grouped(nordlinger, [("low", 0), ("intermediate", 3), ("high", 5)])),
    }


def random_row(rng: random.Random, number: int) -> dict[str, str]:
    def maybe(cell: str) -> str:
        return "" if rng.random() < 0.05 else cell

    def near(cut: float, spread: float) -> str:
        return repr(abs(rng.choice([cut, cut - 1e-7, cut + 1e-7, cut + rng.uniform(-spread, spread)])))

    def flag() -> str:
        return maybe(rng.choice(YES + NO))

    count = rng.choice([0, 1, 2, 3, 4, 8, 9, 15, rng.randint(0, 60)])
    kras = flag()
    return {
        "patient_id": f"P{number}", "differentiation": maybe(rng.choice(["well", "moderate", "poor", "G3"])),
        "node_positive": flag(), "synchronous": flag(), "disease_free_interval_months": maybe(near(12, 20)),
        "cea_ng_ml": maybe(rng.choice([near(200, 300), near(20, 30)])), "lesion_count": maybe(str(count)),
        "largest_diameter_cm": maybe(rng.choice([near(5.0, 5), repr(math.sqrt(max(81 - count ** 2, 0)))])),
        "tlvr": maybe(near(0.23, 0.2)), "kras_mutated": kras,
        "ras_mutated": rng.choice(YES) if _yes(kras) else flag(),
        "extrahepatic_disease": flag(), "age_years": maybe(near(60, 30)), "pt4": flag(),
    }


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    rng = random.Random(13)
    rows = [random_row(rng, n) for n in range(2000)]
    for row in rows:  # the twin reads G3 as the app's "poor"
        row["differentiation"] = "poor" if row["differentiation"] == "G3" else row["differentiation"]
    folder = tmp_path_factory.mktemp("twin")
    source, out = folder / "cohort.csv", folder / "scored.csv"
    with source.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    assert run("score-table", source, "-o", out) == 0
    with out.open(newline="") as handle:
        return rows, list(csv.DictReader(handle))


def test_score_table_equals_the_twin(scored):
    rows, out = scored
    assert len(out) == len(rows) == 2000
    compared = 0
    for row, got in zip(rows, out):
        for score_id, (total, group) in twin(row).items():
            if total is None:
                assert (got[f"{score_id}_total"], got[f"{score_id}_complete"]) == ("", "0"), (row, score_id)
                continue
            assert abs(float(got[f"{score_id}_total"]) - total) <= 1e-9, (row, score_id, got[f"{score_id}_total"])
            assert got[f"{score_id}_group"] == group and got[f"{score_id}_complete"] == "1", (row, score_id)
            compared += 1
    assert compared > 8000  # most rows are complete for most scores


def test_twin_sees_the_yes_no_spellings(scored):
    rows, out = scored
    spelled = {row["synchronous"] for row in rows}
    assert {"1", "1.0", "yes", "0.0"} <= spelled
