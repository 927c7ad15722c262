"""How two measurements are compared in the engine tests."""

from __future__ import annotations


def comparable(m) -> dict:
    """``m.to_json()`` without timings and lesion numbers: after edits lesions keep their numbers
    (test_lesion_numbering), where a fresh measurement numbers them 1..n."""
    data = m.to_json()
    data.pop("timings_ms")
    for lesion in data["lesions"]:
        lesion.pop("id")
    return data
