"""Map a plain-data function over many cases: on a Dask cluster or in this process, with a journal.

Each finished case is appended to a journal (one JSON line, one ``write`` on an ``O_APPEND`` file,
then ``fsync``), so a run that is interrupted, even by SIGKILL, resumes without redoing finished
cases; a torn last line is ignored. A case is known by a key derived from everything that decides
its result (its row, folder and options), so an edited row is done again. A case whose function
raises, or whose worker dies too often, becomes an error result; the others go on.

Dask: a :class:`distributed.LocalCluster` on 127.0.0.1 (no dashboard, one thread per worker
unless asked: one case in memory per worker thread), or an existing scheduler by address or
scheduler file. Cases travel as file paths and plain data, never arrays.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from cned_viewer.errors import UserError

Cells = dict[str, str]
CLUSTER_TIMEOUT_S = 30


@dataclass(frozen=True)
class Task:
    """One case: its position in the table, its key (content hash), a name for people, and the function's arguments."""

    index: int
    key: str
    name: str
    args: tuple[Any, ...]


def task_key(index: int, *parts: Any) -> str:
    """``<index>-<hash>``: the hash of everything that decides the result (JSON of ``parts``)."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]
    return f"{index}-{digest}"


class Journal:
    """Finished cases, one JSON line each, appended atomically beside the output."""

    def __init__(self, output: Path) -> None:
        self.path = output.with_name(f".{output.name}.journal.jsonl")

    def read(self) -> dict[str, Cells]:
        """Key -> cells of every complete line (a line cut by a crash is left out)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        done: dict[str, Cells] = {}
        for line in text.split("\n"):
            try:
                entry = json.loads(line)
                done[entry["key"]] = entry["cells"]
            except (ValueError, KeyError, TypeError):
                continue
        return done

    def start(self, resume: bool) -> dict[str, Cells]:
        """The finished cases to reuse (none unless ``resume``); a fresh run empties the journal."""
        if resume:
            return self.read()
        self.path.unlink(missing_ok=True)
        return {}

    def append(self, key: str, cells: Cells) -> None:
        data = (json.dumps({"key": key, "cells": cells}, ensure_ascii=False) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class Progress:
    """Progress on stderr. On a terminal: one redrawn bar ``[#####.....] 12/20 done, 1 failed, ~30 s left``,
    with each failure on a line of its own; elsewhere (a log file, CI): one line per finished case,
    ``[row/total] name: ok|failed: why (done, failed, time left)``."""

    BAR_WIDTH = 30

    def __init__(self, total: int, already: int, stream: TextIO | None = None) -> None:
        self.total, self.already = total, already
        self.done = self.failed = 0
        self.start = time.perf_counter()
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()

    def update(self, task: Task, error: str) -> None:
        self.done += 1
        self.failed += bool(error)
        elapsed = time.perf_counter() - self.start
        remaining = self.total - self.already - self.done
        left = f"~{elapsed / self.done * remaining:.0f} s left" if remaining else "finished"
        finished = self.already + self.done
        if not self.live:
            status = f"failed: {error}" if error else "ok"
            self._write(f"[{task.index + 1}/{self.total}] {task.name}: {status} (done {finished}/{self.total}, "
                        f"failed {self.failed}; {elapsed:.1f} s, {left})\n")
            return
        if error:
            self._write(f"\r\033[K[{task.index + 1}/{self.total}] {task.name}: failed: {error}\n")
        filled = round(self.BAR_WIDTH * finished / max(self.total, 1))
        bar = "#" * filled + "." * (self.BAR_WIDTH - filled)
        self._write(f"\r\033[K[{bar}] {finished}/{self.total} done, {self.failed} failed, {left}" + ("\n" if not remaining else ""))

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


def _scheduler_target(scheduler: str) -> dict[str, str]:
    """``Client`` arguments: a scheduler file (JSON written by ``dask scheduler --scheduler-file``) or an address."""
    path = Path(scheduler).expanduser()
    if path.is_file():
        return {"scheduler_file": str(path)}
    if "://" not in scheduler and ":" not in scheduler:
        raise UserError(f"--scheduler {scheduler}: neither a scheduler file nor an address such as tcp://127.0.0.1:8786")
    return {"address": scheduler}


@contextmanager
def dask_client(scheduler: str | None, workers: int, threads_per_worker: int = 1) -> Iterator[Any]:
    """A Dask client on ``scheduler``, or on a new loopback :class:`LocalCluster` of ``workers`` processes."""
    import dask
    from distributed import Client, LocalCluster

    dask.config.set({"distributed.diagnostics.nvml": False, "distributed.admin.system-monitor.gil.enabled": False})
    if scheduler is not None:
        try:
            client = Client(**_scheduler_target(scheduler), timeout=CLUSTER_TIMEOUT_S)
        except (OSError, TimeoutError) as error:
            raise UserError(f"cannot reach the Dask scheduler {scheduler}: {error}; check that it runs and the address") from None
        with client:
            yield client
        return
    # loopback only: the scheduler's HTTP endpoints (no dashboard installed) on a free 127.0.0.1 port, none on the workers
    with LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0",
                      silence_logs=logging.ERROR, memory_limit=0) as cluster, Client(cluster) as client:
        yield client


def run_tasks(function: Callable[..., Cells], tasks: Sequence[Task], journal: Journal, *, resume: bool,
              error_cells: Callable[[str], Cells], error_of: Callable[[Cells], str],
              scheduler: str | None = None, workers: int = 1, threads_per_worker: int = 1) -> dict[str, Cells]:
    """Every task's cells by key: from the journal when resuming, else computed (in this process when
    ``workers == 1`` and no ``scheduler``, else on Dask) and appended to the journal as each finishes."""
    done = {key: cells for key, cells in journal.start(resume).items() if key in {t.key for t in tasks}}
    if resume:
        print(f"resuming: {len(done)} of {len(tasks)} case(s) already done", file=sys.stderr)
    pending = [task for task in tasks if task.key not in done]
    progress = Progress(len(tasks), len(done))

    def finish(task: Task, cells: Cells) -> None:
        journal.append(task.key, cells)
        done[task.key] = cells
        progress.update(task, error_of(cells))

    if not pending:
        return done
    if scheduler is None and workers <= 1:
        for task in pending:
            finish(task, function(*task.args))
        return done
    from distributed import as_completed

    with dask_client(scheduler, min(workers, len(pending)), threads_per_worker) as client:
        futures = {client.submit(function, *task.args, key=f"cned-case-{task.key}", pure=False): task for task in pending}
        for future in as_completed(futures):
            task = futures.pop(future)
            try:
                cells = future.result()
            except Exception as error:  # noqa: BLE001 - a worker lost too often, a result that cannot travel: this case only
                cells = error_cells(f"the cluster could not run this case: {type(error).__name__}: {error}")
            finish(task, cells)
            future.release()
    return done


def rows_in_order(tasks: Sequence[Task], results: Mapping[str, Cells]) -> list[Cells]:
    """The cells of each task, in the tasks' order."""
    return [results[task.key] for task in tasks]
