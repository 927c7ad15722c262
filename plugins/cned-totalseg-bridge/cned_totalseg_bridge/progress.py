"""Progress from TotalSegmentator's console output (its stage lines and tqdm percentages)."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Stage lines TotalSegmentator prints (``nnunet.py`` / ``python_api.py``) -> fraction reached.
STAGES: tuple[tuple[str, float, str], ...] = (
    ("Generating rough segmentation for cropping", 0.08, "finding the liver"),
    ("Resampling", 0.15, "resampling"),
    ("Predicting", 0.25, "predicting"),
    ("Saving segmentations", 0.85, "saving masks"),
    ("Saved in", 0.9, "masks saved"),
)
PART = re.compile(r"Predicting part (\d+) of (\d+)")
PERCENT = re.compile(r"(\d{1,3})%\|")
PREDICT_SPAN = (0.25, 0.8)


@dataclass
class ProgressParser:
    """Turns output lines into a fraction that never goes back and a short message."""

    task: str
    fraction: float = 0.05
    stage: str = "starting"
    part: tuple[int, int] = (1, 1)

    def feed(self, line: str) -> tuple[float, str] | None:
        """The new ``(fraction, message)`` after ``line``, or None when it says nothing new."""
        line = line.strip()
        if not line:
            return None
        before = (self.fraction, self.stage)
        match = PART.search(line)
        stage = next(((fraction, name) for prefix, fraction, name in STAGES if prefix in line), None)
        if match:
            self.part = (int(match.group(1)), max(1, int(match.group(2))))
            self._reach(self._predicting(0.0), f"predicting part {self.part[0]} of {self.part[1]}")
        elif stage:
            self._reach(*stage)
        elif (percent := PERCENT.search(line)) and self.stage.startswith("predicting"):
            self._reach(self._predicting(min(100, int(percent.group(1))) / 100), self.stage.split(" (")[0] + f" ({percent.group(1)} %)")
        return None if (self.fraction, self.stage) == before else (self.fraction, f"TotalSegmentator {self.task}: {self.stage}")

    def _predicting(self, within: float) -> float:
        low, high = PREDICT_SPAN
        done, total = self.part
        return low + (high - low) * ((done - 1) + within) / total

    def _reach(self, fraction: float, stage: str) -> None:
        self.fraction = max(self.fraction, fraction)
        self.stage = stage
