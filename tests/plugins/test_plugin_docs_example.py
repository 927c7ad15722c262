"""The example score plugin of docs/plugins.md loads and scores (the doc and this file stay equal)."""

from __future__ import annotations

from pathlib import Path

import example_score_plugin
from plugin_fakes import FakeEntryPoint

from cned_viewer.scores import get_score, list_scores

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def test_doc_shows_this_example_verbatim():
    assert Path(example_score_plugin.__file__).read_text() in DOC.read_text()


def test_example_score_is_registered_while_enabled(make_manager):
    manager = make_manager(FakeEntryPoint("cned-burden-index", example_score_plugin.PLUGIN))
    score = get_score("burden_index")
    assert score.total_of({"largest_diameter_cm": 4.0, "lesion_count": 3}) == 12.0 and score.group_of(12.0) == "high"
    manager.set_enabled("cned-burden-index", False)
    assert score not in list_scores()
