"""ITK's errors and console noise turned into one line that names the cause and the next step.

ITK's warnings are switched off (:mod:`cned_viewer.io.sitk_bridge`); some readers (MetaImage,
NRRD) still print to the C-level stderr, which :func:`captured_stderr` collects so that the
message can use it and the user's terminal stays clean.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

_LOCK = threading.Lock()

#: (words in ITK's text, what they mean, what to do) in order of precedence.
_CAUSES = (
    (("refusing to change spacing",), "its header gives a zero or negative voxel size", "re-export the image with the right voxel size"),
    (("not read completely", "fread got only", "truncat", "unexpected end", "premature end", "ended early"),
     "it is truncated (the data ends before the header says)", "copy the file again or re-export it"),
    (("unable to determine imageio", "could not create io object", "not a valid", "unrecognized", "bad magic"),
     "it is not a NIfTI, NRRD or MHA image (the format is not recognised)", "check the file, or convert it"),
    (("no such file",), "a data file its header names is missing", "keep the header and its data file together"),
    (("permission denied",), "permission denied", "ask for read access, or copy it to a folder you can read"),
)


class _Captured:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()

    def text(self) -> str:
        self._file.seek(0)
        return self._file.read().decode("utf-8", "replace")


@contextlib.contextmanager
def captured_stderr() -> Iterator[_Captured]:
    """Collect what C++ code writes to file descriptor 2 while the block runs."""
    captured = _Captured()
    with _LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):  # no real stderr (e.g. some GUI launchers): nothing to hide
            yield captured
            return
        try:
            os.dup2(captured._file.fileno(), 2)
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def itk_failure(path: Path, what: str, text: str) -> str:
    """The one-line message for ITK's failure ``text`` reading ``path``."""
    lowered = text.replace(str(path), "").replace(path.name, "").lower()  # a file name must not decide the cause
    for words, cause, fix in _CAUSES:
        if any(word in lowered for word in words):
            return f"cannot read {what} {path.name}: {cause}; {fix}"
    lines = [line.strip() for line in text.strip().splitlines() if line.strip() and not line.strip().startswith(("Exception thrown", "/"))]
    detail = lines[-1][:160] if lines else "unreadable"
    return f"cannot read {what} {path.name}: {detail}; check the file is a complete NIfTI, NRRD or MHA image"
