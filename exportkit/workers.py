"""Work spread over worker processes, its results taken back in the order it was sent.

Large imports and scoring runs keep the registry in the main process (one writer, one
transaction) and hand the pure, CPU-bound part to workers: checking rows' cells, scoring
businesses. Results come back in sending order, so a run writes the same rows in the same
order on any number of cores. Nothing here touches the database.
"""

from __future__ import annotations

import math
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from exportkit.collector import collect_less
from exportkit.errors import ExportkitError
from exportkit.i18n import _

MOST_WORKERS = 4  # the main process reads and writes for all workers (a third to a half of
# a run's work, by the profiles): more workers than this would wait on it


def available_cores(cpu_max: Path = Path("/sys/fs/cgroup/cpu.max")) -> int:
    """The cores this process may use: those it may run on (`taskset`), within a container's
    CPU quota (cgroup v2 `cpu.max`), which the count of cores does not show."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    try:
        quota, period = cpu_max.read_text().split()
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def default_jobs(main_works: bool) -> int:
    """Processes for a large run, this one counted: `main_works` where the main process has
    as much to do as a worker (an import writes what its workers check: a worker per core
    but one), else a worker per core beside it (scoring: the workers do most of it).
    Measured on two cores: enroll faster with one worker than with two, scoring with two."""
    workers = min(available_cores() - 1 if main_works else available_cores(), MOST_WORKERS)
    return max(workers, 0) + 1


class WorkerStopped(ExportkitError):
    """A worker process ended without sending its batch back (killed, out of memory)."""


# Messages both ways are frames: a pickle's length, then the pickle. An empty frame tells a
# worker to finish.
_LENGTH = struct.Struct("!Q")


def _write_frame(stream: BinaryIO, data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)
    stream.flush()


def _read_frame(stream: BinaryIO) -> bytes | None:
    """The next frame's pickle (b"" for the empty frame); None at the stream's end, or at a
    frame cut off by it."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    size = _LENGTH.unpack(head)[0]
    data = stream.read(size) if size else b""
    return data if len(data) == size else None


def _dumps(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# -- in a worker process ---------------------------------------------------------------------

WORKER = "from exportkit.workers import serve; serve()"


def serve() -> None:
    """A worker's life (`python -P -c WORKER`): tasks in on stdin, results out on stdout,
    anything printed to stderr. The first task is `setup` and its arguments; then
    batches, each answered in turn, until the empty frame."""
    # Ctrl-C reaches the whole process group: the main process stops the run (and rolls it
    # back); a worker just stops with it, without a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the results
    sys.stdout = sys.stderr
    tasks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    threading.Thread(target=_take_in, args=(sys.stdin.buffer, tasks), daemon=True).start()
    try:
        setup, args = pickle.loads(tasks.get())
        state = setup(*args)  # what every batch of this worker shares (rules, a memo, plans)
    except Exception as exc:  # raised where this worker's first batch is taken
        _send(results, (False, _portable(exc)))
        return
    if hasattr(signal, "pthread_sigmask"):  # POSIX: held back since it started; ignored now
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    collect_less()  # a worker's life is one bulk run (exportkit.collector)
    while task := tasks.get():
        work, batch, streamed = pickle.loads(task)
        if streamed:
            _stream(results, work, state, batch)
            continue
        try:
            outcome = (True, work(state, batch))
        except Exception as exc:  # sent back to be raised where the batch was sent from
            outcome = (False, _portable(exc))
        _send(results, outcome)


def _take_in(stdin: BinaryIO, tasks: queue.SimpleQueue) -> None:
    """Reads tasks as they come, so that the main process never waits to send a batch while
    this worker waits to send it a result."""
    while (task := _read_frame(stdin)) is not None:
        tasks.put(task)
        if not task:  # the empty frame: finish
            return
    # stdin ended without it: the main process was killed outright, and cannot stop its
    # workers; they stop themselves
    os._exit(1)


def _send(results: BinaryIO, outcome: tuple) -> None:
    try:
        data = _dumps(outcome)  # pickled whole before a byte is written
    except Exception as exc:
        data = _dumps((False, _portable(exc)))
    try:
        _write_frame(results, data)
    except OSError:  # the main process is gone
        os._exit(1)


def _stream(results: BinaryIO, work: Callable, state: object, task: object) -> None:
    """Sends each result `work(state, task)` yields, then the end of the stream (None);
    an error ends it too."""
    try:
        for item in work(state, task):
            _send(results, (True, item))
    except Exception as exc:
        _send(results, (False, _portable(exc)))
        return
    _send(results, (None, None))


def _portable(exc: Exception) -> Exception:
    """The exception itself if it can travel between processes, else its text."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)))


# -- in the main process ---------------------------------------------------------------------

@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C held back in this thread, and in the processes it starts, until the block
    ends; then a Ctrl-C pressed meanwhile arrives. (Windows has no signal masks: there a
    worker starting up may print its own traceback.)"""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@dataclass
class _Worker:
    process: subprocess.Popen  # its stdin takes batches; its stdout gives results

    @property
    def results(self) -> BinaryIO:
        return self.process.stdout

    def send(self, data: bytes) -> None:
        try:
            _write_frame(self.process.stdin, data)
        except OSError:  # it is gone: noticed where its result is taken
            pass

    def stop(self, seconds: float) -> None:
        """Waits for it to end, then kills it: a stop must never hang on a worker."""
        try:
            self.process.wait(seconds)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            try:
                pipe.close()
            except OSError:  # a batch it never took, left in the buffer
                pass


class WorkerPool:
    """Batches out to `jobs` worker processes, `work(state, batch)` back in sending order.

    Each worker starts with `state = setup(*args)`; `setup` and `work` are functions of an
    importable module (they travel by name). Batches go to the workers in turn, and each
    worker sends its results down a pipe of its own: so results are taken in sending
    order, and a worker that dies, even halfway through sending, is noticed at once (its
    pipe ends) instead of being waited for. At most two batches per worker are in flight,
    so memory stays flat. Workers are Python started afresh by `subprocess`, not by
    multiprocessing: its spawning starts a resource tracker process too (13 MiB RSS, 8 MiB
    PSS, BENCHMARKS.md round 19), and a caller's script needs the
    `if __name__ == "__main__":` guard, which these workers do not."""

    def __init__(self, jobs: int, work: Callable[[object, object], object],
                 setup: Callable[..., object], *args: object):
        # started afresh, not forked: the main process may run threads (a progress bar) and
        # holds open database connections that a forked child must not inherit
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self._work = work
        self._workers: list[_Worker] = []
        self._waiting: deque[_Worker] = deque()
        self._limit = 2 * jobs
        self._turn = 0
        start = _dumps((setup, args))  # raises here if they cannot travel
        # modules found where this process finds them (exportkit too, from a checkout a
        # caller put on sys.path); -P: not first in the current folder, where a file named
        # like a module of the standard library would be taken for it
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        try:
            # Ctrl-C while a worker starts would interrupt its interpreter's start-up with
            # a traceback: it is held back while they are started (they inherit the hold
            # until they ignore it), then the main process gets it
            with _ctrl_c_held():
                for _ in range(jobs):
                    self._workers.append(_Worker(subprocess.Popen(
                        [sys.executable, "-P", "-c", WORKER], stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE, env=env)))
            for worker in self._workers:
                worker.send(start)
        except BaseException:
            self.close(failed=True)
            raise

    def put(self, batch: object) -> Iterator[object]:
        """Sends a batch; yields the results of the batches that must be taken to make
        room."""
        worker = self._workers[self._turn % len(self._workers)]
        task = _dumps((self._work, batch, False))  # a batch that cannot travel raises here
        self._turn += 1
        self._waiting.append(worker)  # first: a Ctrl-C from here on leaves it to be killed
        worker.send(task)
        while len(self._waiting) > self._limit:
            yield self._take()

    def drain(self) -> Iterator[object]:
        while self._waiting:
            yield self._take()

    def stream(self, work: Callable[[object, object], Iterator], tasks: list[object]
               ) -> Iterator[object]:
        """One task per worker, each answered by a stream of results (`work` yields them):
        the results taken from the workers in turn, the first worker's first, until each
        has ended its stream. For work split in turns, as a file's chunks read by every
        worker and each checked by one. Nothing else may be out meanwhile."""
        if self._waiting or len(tasks) != len(self._workers):
            raise ValueError("stream() needs an idle pool and one task per worker")
        for worker, task in zip(self._workers, tasks, strict=True):
            message = _dumps((work, task, True))
            self._waiting.append(worker)  # until its stream ends: killed on a failure
            worker.send(message)
        turn = 0
        while self._waiting:
            worker = self._workers[turn % len(self._workers)]
            turn += 1
            if worker not in self._waiting:
                continue
            done, value = self._receive(worker)
            if done is None:
                self._waiting.remove(worker)
                continue
            if not done:
                raise value
            if len(self._waiting) < len(self._workers):
                raise RuntimeError("a worker sent a result after another ended its stream")
            yield value

    def _take(self) -> object:
        # taken off once its result is in: a Ctrl-C meanwhile leaves it waiting, so the
        # pool knows to kill its workers, not to wait for them
        worker = self._waiting[0]
        done, value = self._receive(worker)
        self._waiting.popleft()
        if not done:
            raise value
        return value

    @staticmethod
    def _receive(worker: _Worker) -> tuple[bool | None, object]:
        try:
            data = _read_frame(worker.results)
        except OSError:
            data = None
        if data:
            return pickle.loads(data)
        try:
            code = worker.process.wait(5)
        except subprocess.TimeoutExpired:
            code = None
        raise WorkerStopped(_(
            "a worker process stopped unexpectedly (exit code {code}; killed, or out "
            "of memory?); nothing was written. Run again, or with --jobs 1").format(code=code))

    def close(self, failed: bool = False) -> None:
        """Stops the workers: told to finish, or killed when the run failed or a batch is
        still out (its worker may be stuck sending a result nobody will take)."""
        failed = failed or bool(self._waiting)
        for worker in self._workers:
            if failed:
                worker.process.kill()
            else:
                worker.send(b"")  # the empty frame: finish
        for worker in self._workers:
            worker.stop(5 if failed else 60)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(failed=exc_type is not None)
