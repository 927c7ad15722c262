"""README's two set-up commands and CI stay the same thing."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _readme_commands() -> list[str]:
    section = REPO.joinpath("README.md").read_text().split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_readme_gives_exactly_two_set_up_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("cned-viewer demo")
    assert "pytest" in commands[1]


def test_ci_runs_exactly_the_readme_test_command():
    ci_lines = [line for line in REPO.joinpath(".ci/run").read_text().splitlines() if line and not line.startswith("#")]
    assert _readme_commands()[1] in ci_lines
    assert "export CNED_REQUIRE_DATA=1" in ci_lines
