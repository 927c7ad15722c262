"""Reading tid1500reader's JSON: measurement groups and their values."""

from __future__ import annotations


def groups_by_id(report: dict) -> dict[str, dict]:
    """tid1500reader's measurement groups by tracking identifier."""
    return {group["TrackingIdentifier"]: group for group in report["Measurements"]}


def item_value(group: dict, meaning: str) -> float:
    """The value of the measurement item whose quantity is ``meaning``."""
    return next(float(item["value"]) for item in group["measurementItems"] if item["quantity"]["CodeMeaning"] == meaning)
