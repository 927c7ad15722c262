"""Scores (pure): C-NED first, then Fong, TBS, GAME, m-CS, Nordlinger and TTV, each with its evidence.

Typical use (UI, report, CLI)::

    inputs = build_inputs(clinical, measurements)   # every input with its origin
    results = evaluate_all(inputs)                  # one ScoreResult per registered score
    evidence_for("cned").group(results[0].group)    # what the source reported for that group

A new score is one module that calls :func:`register` with a
:class:`~cned_viewer.scores.definition.ScoreDefinition` (or any object following
:class:`~cned_viewer.scores.registry.Score`).
"""

from cned_viewer.scores.evidence import evidence_for
from cned_viewer.scores.inputs import build_inputs
from cned_viewer.scores.registry import evaluate_all, get_score, list_scores, register, unregister
from cned_viewer.scores.results import InputValue, ItemResult, ScoreResult

__all__ = [
    "InputValue", "ItemResult", "ScoreResult", "build_inputs", "evaluate_all", "evidence_for", "get_score",
    "list_scores", "register", "unregister",
]
