"""A throw-away Orthanc on loopback for the PACS tests: temporary storage, free ports, the app registered.

Orthanc listens for DICOM and HTTP on ports chosen free; its HTTP API takes requests from this
computer only (no remote access) without authentication; no plugin is loaded; only the
registered modality (the app's AE title at 127.0.0.1) may find, get, move or store.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ORTHANC_AE = "TESTPACS"
APP_AE = "CNEDTEST"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def orthanc_binary() -> str:
    """The Orthanc executable; missing fails in CI (the installer provides it) and skips elsewhere."""
    found = shutil.which("Orthanc") or next((p for p in ("/usr/sbin/Orthanc", "/usr/bin/Orthanc") if os.access(p, os.X_OK)), None)
    if found:
        return found
    message = "Orthanc not installed (Debian package 'orthanc'; bash installer/setup.sh --test installs it)"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must have it")
    pytest.skip(message)


@dataclass
class Orthanc:
    """A running Orthanc: its AE title and ports, and a small REST client."""

    process: subprocess.Popen
    dicom_port: int
    http_port: int
    folder: Path
    ae_title: str = ORTHANC_AE

    def rest(self, path: str, data: Any = None) -> Any:
        """GET (or POST ``data`` as JSON) ``path`` on the HTTP API; the decoded JSON answer."""
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}", data=body)
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def delete(self, path: str) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.http_port}{path}", method="DELETE")
        urllib.request.urlopen(request, timeout=10).close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_orthanc(folder: Path, timeout_s: float = 30.0) -> Orthanc:
    """Start Orthanc with its configuration, storage and log in ``folder``; return once its REST API answers."""
    binary = orthanc_binary()
    dicom_port, http_port = free_port(), free_port()
    config = {
        "Name": "cned-test-pacs",
        "StorageDirectory": str(folder / "storage"),
        "IndexDirectory": str(folder / "storage"),
        "DicomAet": ORTHANC_AE,
        "DicomPort": dicom_port,
        "HttpPort": http_port,
        "RemoteAccessAllowed": False,
        "AuthenticationEnabled": False,
        "Plugins": [],
        "DicomCheckCalledAet": True,
        "DicomCheckModalityHost": True,
        "DicomAlwaysAllowEcho": False,
        "DicomAlwaysAllowStore": False,
        "DicomModalities": {"cned": {"AET": APP_AE, "Host": "127.0.0.1", "Port": free_port(), "AllowGet": True, "AllowMove": True}},
        "SaveJobs": False,
        "StableAge": 1,
        "HttpDescribeErrors": True,
        "DicomScuTimeout": 10,
        "SyncStorageArea": False,  # a throw-away store: no fsync per instance
        "MaximumPduLength": 131072,  # fewer, larger PDUs
    }
    (folder / "orthanc.json").write_text(json.dumps(config, indent=2))
    log = open(folder / "orthanc.log", "wb")  # noqa: SIM115 - kept open for the server's life
    process = subprocess.Popen([binary, "--logdir=" + str(folder), str(folder / "orthanc.json")], stdout=log, stderr=subprocess.STDOUT,
                               cwd=folder, start_new_session=True,
                               env={**os.environ, "TCP_NODELAY": "1"})  # DCMTK: no Nagle delay per answer (40 ms each)
    server = Orthanc(process, dicom_port, http_port, folder)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Orthanc exited with {process.returncode}; see {folder}/orthanc.log")
        try:
            server.rest("/system")
            return server
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"Orthanc did not answer within {timeout_s} s; see {folder}")
