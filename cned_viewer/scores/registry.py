"""The score registry: a score is one module that calls :func:`register` when imported.

The UI, the report and the CLI list and run scores through :func:`list_scores` and
:func:`evaluate_all` without knowing any of them. Built-in scores load on first use; a
plugin registers its own (any object following :class:`Score`, usually a
:class:`~cned_viewer.scores.definition.ScoreDefinition`).

>>> [s.id for s in list_scores()][:3]
['cned', 'fong', 'tbs']
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

from cned_viewer.errors import UserError
from cned_viewer.scores.results import ScoreInputs, ScoreResult

#: Built-in score modules, in display order (C-NED first).
BUILTIN_SCORES: tuple[str, ...] = ("cned", "fong", "tbs", "game", "mcs", "nordlinger", "ttv")

_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


@runtime_checkable
class Score(Protocol):
    """What a score offers: identity, the inputs it reads, evaluation and a description."""

    id: str
    name: str

    @property
    def citation(self) -> str: ...

    @property
    def inputs(self) -> tuple[str, ...]: ...

    def evaluate(self, inputs: ScoreInputs) -> ScoreResult: ...

    def describe(self) -> dict[str, Any]: ...


S = TypeVar("S", bound=Score)

_scores: dict[str, Score] = {}
_builtins_loaded = False


def register(score: S) -> S:
    """Add ``score`` to the registry and return it (usable as ``SCORE = register(...)``).

    Raises ``ValueError`` for an id that is not lower_snake_case or is already taken by
    another score (registering the same object twice is harmless).
    """
    if not _ID_PATTERN.match(score.id):
        raise ValueError(f"score id {score.id!r} must be lower_snake_case (letters, digits, _)")
    current = _scores.get(score.id)
    if current is not None and current is not score:
        raise ValueError(f"a score with id {score.id!r} is already registered ({current.name})")
    _scores[score.id] = score
    return score


def unregister(score_id: str) -> None:
    """Remove a score (e.g. a plugin disabled after an error); unknown ids are ignored."""
    _scores.pop(score_id, None)


def _load_builtins() -> None:
    global _builtins_loaded
    if not _builtins_loaded:
        for module in BUILTIN_SCORES:
            importlib.import_module(f"cned_viewer.scores.{module}")
        _builtins_loaded = True


def list_scores() -> tuple[Score, ...]:
    """Every registered score: built-ins in :data:`BUILTIN_SCORES` order, then plugins."""
    _load_builtins()
    builtins = [_scores[i] for i in BUILTIN_SCORES if i in _scores]
    return tuple(builtins + [s for i, s in _scores.items() if i not in BUILTIN_SCORES])


def get_score(score_id: str) -> Score:
    """The score ``score_id``; :class:`UserError` listing the known ids if there is none."""
    _load_builtins()
    try:
        return _scores[score_id]
    except KeyError:
        raise UserError(f"unknown score {score_id!r}; known scores: {', '.join(s.id for s in list_scores())}") from None


def evaluate_all(inputs: ScoreInputs, score_ids: Iterable[str] | None = None) -> list[ScoreResult]:
    """Evaluate every registered score (or those of ``score_ids``, in that order)."""
    scores = list_scores() if score_ids is None else [get_score(i) for i in score_ids]
    return [score.evaluate(inputs) for score in scores]
