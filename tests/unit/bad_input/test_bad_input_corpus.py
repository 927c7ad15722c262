"""Issue 14: every case of the bad-input corpus gives exit 0 or one clean line with exit 2, leaves the
inputs unchanged (hashes) and leaves no partial or temporary file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bad_input_corpus import CASES
from bad_input_kit import BadCase, Kit, run_call, snapshot


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 80
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.data
@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input(bad: BadCase, work: Path, shared_data: Path, capfd) -> None:
    call = bad.build(Kit(work, shared_data))
    if call.as_nobody and os.geteuid() == 0 and not hasattr(os, "seteuid"):
        pytest.skip("cannot drop root privileges here; root ignores file permissions")
    before = snapshot(work)
    outcome = run_call(call, capfd)
    text = (outcome.out + outcome.err).lower()
    assert "traceback" not in text and "internal error" not in text, outcome.err
    assert outcome.code == call.code, outcome.err or outcome.out
    if call.code == 2:  # one error line, last; before it at most "warning: ..." lines about the input
        *earlier, last = outcome.err.rstrip("\n").split("\n")
        assert last.startswith("cned-viewer: error:") and all(line.startswith("warning:") for line in earlier), outcome.err
    for word in call.words:
        assert word.lower() in text, f"{word!r} not in {outcome.err or outcome.out!r}"
    for word in call.absent:
        assert word.lower() not in text, f"{word!r} in {outcome.err or outcome.out!r}"
    after = snapshot(work)
    assert {k: v for k, v in after.items() if k not in call.creates} == before, "inputs changed or files left behind"
    assert all(name in after for name in call.creates)
