"""``batch`` on Dask: a real scheduler and two workers as separate processes on 127.0.0.1.

A client killed with SIGKILL resumes without redoing finished cases; a worker killed mid-run still
leaves every case exactly once; the LocalCluster run gives byte-identical measurement columns.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.batch_workers import write_small_cases
from cned_viewer.cli import main
from cned_viewer.cohort.runner import Journal

CASES = 20
VOXEL_MM = 1.6
DEADLINE_S = 90
DASK_BIN = Path(sys.executable).parent / "dask"
CLI = [sys.executable, "-m", "cned_viewer"]


def _wait(condition, what: str, timeout_s: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _start(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as handle:
        return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> Path:
    return write_small_cases(tmp_path_factory.mktemp("dask_cases"), CASES, VOXEL_MM, step_mm=0.02)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``dask scheduler`` and two ``dask worker`` processes (no nanny, one thread each), loopback only."""
    folder = tmp_path_factory.mktemp("dask_cluster")
    scheduler_file = folder / "scheduler.json"
    common = ["--no-dashboard", "--dashboard-address", "127.0.0.1:0"]  # its HTTP endpoints on loopback, a free port
    processes = [_start([str(DASK_BIN), "scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file",
                         str(scheduler_file), *common], folder / "scheduler.log")]
    try:
        _wait(scheduler_file.exists, "the scheduler file")
        worker = [str(DASK_BIN), "worker", "--scheduler-file", str(scheduler_file), "--host", "127.0.0.1", "--nthreads", "1",
                  "--no-nanny", "--memory-limit", "0", "--preload", "cned_viewer.commands.batch", *common]
        processes += [_start(worker, folder / f"worker{i}.log") for i in range(2)]
        from distributed import Client

        with Client(scheduler_file=str(scheduler_file), timeout=DEADLINE_S) as client:
            client.wait_for_workers(2, timeout=DEADLINE_S)
        yield scheduler_file, processes[1:]
    finally:
        for process in reversed(processes):
            _stop(process)


def _table(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _measured(path: Path) -> str:
    """The measurement columns of a batch output, exactly as written (text)."""
    rows = _table(path)
    columns = [c for c in rows[0] if c.startswith("measured_")]
    out = io.StringIO()
    csv.writer(out).writerows([columns] + [[row[c] for c in columns] for row in rows])
    return out.getvalue()


def _journal_lines(output: Path) -> int:
    return len(Journal(output).read())


def test_resume_after_the_client_is_killed_does_not_redo_finished_cases(cases, cluster, tmp_path, capsys):
    scheduler_file, _ = cluster
    output = tmp_path / "out.csv"
    client = _start([*CLI, "batch", str(cases), "-o", str(output), "--scheduler", str(scheduler_file)], tmp_path / "client.log")
    try:
        _wait(lambda: _journal_lines(output) >= 3 or client.poll() is not None, "three finished cases")
        os.killpg(client.pid, signal.SIGKILL)
        client.wait(10)
    finally:
        _stop(client)
    finished = _journal_lines(output)
    assert 3 <= finished < CASES and not output.exists()
    assert main(["batch", str(cases), "-o", str(output), "--scheduler", str(scheduler_file), "--resume"]) == 0
    err = capsys.readouterr().err
    resumed = int(err.split("resuming: ")[1].split(" of")[0])
    assert resumed >= finished and err.count(": ok (done") == CASES - resumed  # only the unfinished ones ran
    rows = _table(output)
    assert [r["patient_id"] for r in rows] == [f"C{i:02d}" for i in range(CASES)] and not any(r["batch_error"] for r in rows)
    assert not Journal(output).path.exists()


def test_a_killed_worker_loses_no_case_and_local_cluster_gives_the_same_bytes(cases, cluster, tmp_path, capsys):
    scheduler_file, workers = cluster
    output = tmp_path / "scheduler.csv"
    client = _start([*CLI, "batch", str(cases), "-o", str(output), "--scheduler", str(scheduler_file)], tmp_path / "client.log")
    try:
        _wait(lambda: _journal_lines(output) >= 1 or client.poll() is not None, "a first finished case")
        done_at_kill = _journal_lines(output)
        os.kill(workers[0].pid, signal.SIGKILL)
        assert client.wait(DEADLINE_S) == 0
    finally:
        _stop(client)
    assert done_at_kill < CASES // 2  # the worker died in the middle of the run
    log = (tmp_path / "client.log").read_text()
    assert sorted(line.split("] ")[1].split(":")[0] for line in log.splitlines() if line.startswith("[")) == \
        [f"C{i:02d}" for i in range(CASES)]  # each case reported exactly once
    rows = _table(output)
    assert [r["patient_id"] for r in rows] == [f"C{i:02d}" for i in range(CASES)] and not any(r["batch_error"] for r in rows)
    local = tmp_path / "local.csv"
    assert main(["batch", str(cases), "-o", str(local), "--jobs", "2"]) == 0
    assert _measured(local) == _measured(output)
    assert len({r["measured_total_liver_ml"] for r in rows}) == CASES  # the cases do differ
    in_process = tmp_path / "in_process.csv"
    assert main(["batch", str(cases), "-o", str(in_process), "--jobs", "1"]) == 0
    assert in_process.read_bytes() == local.read_bytes()


def test_the_journal_ignores_a_line_cut_by_a_crash_and_a_fresh_run_empties_it(tmp_path):
    journal = Journal(tmp_path / "out.csv")
    journal.append("0-abc", {"batch_error": ""})
    with open(journal.path, "ab") as handle:
        handle.write(b'{"key": "1-def", "cel')
    assert journal.read() == {"0-abc": {"batch_error": ""}} == journal.start(resume=True)
    assert journal.start(resume=False) == {} and not journal.path.exists()
