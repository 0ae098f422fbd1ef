"""Share numbered jobs between this process and forked children.

A process pool would pickle every job out and every result back, and feed its workers from a
thread that fights the main thread for the GIL. Here children are forked once the inputs exist,
so they read them through copy-on-write memory, and:

- job numbers wait in a pipe written before the fork; every process reads four bytes per claim
  until the pipe is empty, so whoever is free takes the next job, with no lock;
- jobs that only this process may run (`here_only`) are never put in that pipe;
- a child appends each result, pickled, to its own anonymous memory file and announces
  (job, size) on its own pipe, so it never waits for this process to read;
- this process runs jobs too, and between its own jobs unpickles what the children announced;
- a job whose result never arrives (its child killed, or raising) is run again here at the end,
  so a real error surfaces here, with its traceback, and a lost child costs only time.

Results are pickled with compact reducers for frozen dataclasses (see `reducers`): the default
`__getstate__` of slotted dataclasses calls `dataclasses.fields()` once per object, which made
sending models back cost as much as parsing them.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import io
import operator
import os
import pickle
import select
import signal
import struct
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any, Generic, TypeVar

R = TypeVar("R")

# Job numbers are written to the claims pipe before any process reads them, so they must fit
# its buffer: 16 KiB, the smallest default among the systems with fork (64 KiB on Linux).
MAX_JOBS = 4_000
_CLAIM = struct.Struct("<i")
_NOTE = struct.Struct("<iq")  # job number, bytes of its pickled result (-1: the job failed)
_FAILED = -1


@dataclasses.dataclass(slots=True)
class _Child:
    pid: int
    notes: int  # read end of the announcements pipe
    data: int  # the child's result file
    offset: int = 0
    pending: bytes = b""


def usable() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def run(jobs: Sequence[int], work: Callable[[int], R], *, processes: int,
        here_only: Sequence[int] = (), meanwhile: Callable[[], None] | None = None,
        ) -> Iterator[tuple[int, R]]:
    """Run `work(job)` for every job of `jobs` and `here_only`; yield (job, result) as results
    arrive, in no particular order. `processes` counts this one: `processes - 1` children are
    forked. `meanwhile` runs here right after the fork (work the children cannot help with)."""
    if len(jobs) > MAX_JOBS:
        raise ValueError(f"at most {MAX_JOBS} shared jobs, got {len(jobs)}")
    return _Run(jobs, work, processes, here_only, meanwhile).results()


class _Run(Generic[R]):
    def __init__(self, jobs: Sequence[int], work: Callable[[int], R], processes: int,
                 here_only: Sequence[int], meanwhile: Callable[[], None] | None) -> None:
        self.jobs = list(jobs)
        self.work = work
        self.processes = max(1, processes)
        self.here_only = list(here_only)
        self.meanwhile = meanwhile
        self.children: list[_Child] = []
        self.claims = -1  # the claims pipe, once children exist
        self.poller = select.poll() if hasattr(select, "poll") else None
        self.alone = iter(self.jobs)  # how jobs are taken when no child could be forked

    def results(self) -> Iterator[tuple[int, R]]:
        done: set[int] = set()
        try:
            self._start()
            if self.meanwhile is not None:
                self.meanwhile()
            for job in self._own_jobs():
                yield job, self.work(job)
                done.add(job)
                for item in self._arrived(block=False):
                    done.add(item[0])
                    yield item
            while self.children:
                for item in self._arrived(block=True):
                    done.add(item[0])
                    yield item
            # Whatever a lost child had claimed and not sent back is done here.
            for job in self.jobs:
                if job not in done:
                    yield job, self.work(job)
        finally:
            self._stop()

    def _own_jobs(self) -> Iterator[int]:
        yield from self.here_only
        while (job := self._claim()) is not None:
            yield job

    # -- setting up -------------------------------------------------------------------------

    def _start(self) -> None:
        if self.processes == 1 or not self.jobs:
            return
        reducers()  # computed once here, inherited by every child
        read_end, write_end = os.pipe()
        try:
            os.write(write_end, b"".join(_CLAIM.pack(j) for j in self.jobs))
        finally:
            os.close(write_end)  # once empty, a claim reads end-of-file
        self.claims = read_end
        sys.stdout.flush()
        sys.stderr.flush()
        for _ in range(min(self.processes - 1, len(self.jobs))):
            notes_read, notes_write = os.pipe()
            data = _memory_file()
            try:
                pid = os.fork()
            except OSError:  # no more processes allowed: the ones started share the rest
                for fd in (notes_read, notes_write, data):
                    os.close(fd)
                break
            if pid == 0:  # the child: never returns
                os.close(notes_read)
                self._child(notes_write, data)
            os.close(notes_write)
            self.children.append(_Child(pid, notes_read, data))
            if self.poller is not None:
                self.poller.register(notes_read, select.POLLIN)

    def _child(self, notes: int, data: int) -> None:
        status = 0
        job: int | None = None
        try:
            gc.disable()  # inherited objects stay untouched: no copy-on-write by the collector
            while (job := self._claim()) is not None:
                _send(notes, data, job, self.work(job))
        except BaseException:  # the parent runs this job again, and sees the error itself
            status = 1
            if job is not None:
                with suppress(BaseException):
                    os.write(notes, _NOTE.pack(job, _FAILED))
        finally:
            os._exit(status)

    def _claim(self) -> int | None:
        if self.claims < 0:
            return next(self.alone, None)
        raw = os.read(self.claims, _CLAIM.size)
        if len(raw) < _CLAIM.size:
            return None
        return int(_CLAIM.unpack(raw)[0])

    # -- results ----------------------------------------------------------------------------

    def _arrived(self, block: bool) -> Iterator[tuple[int, R]]:
        if not self.children:
            return
        if self.poller is not None:  # poll: select() cannot watch descriptors above 1023
            ready = {fd for fd, _ in self.poller.poll(None if block else 0)}
        else:
            ready = set(select.select([c.notes for c in self.children], [], [], None if block else 0)[0])
        for child in [c for c in self.children if c.notes in ready]:
            chunk = os.read(child.notes, 64 * _NOTE.size)
            if not chunk:
                self._reap(child)
                continue
            buf = child.pending + chunk
            whole = len(buf) - len(buf) % _NOTE.size
            child.pending = buf[whole:]
            for at in range(0, whole, _NOTE.size):
                job, size = _NOTE.unpack_from(buf, at)
                if size == _FAILED:
                    continue  # left for the end, when what never arrived is run here
                raw = os.pread(child.data, size, child.offset)
                child.offset += size
                if len(raw) != size:  # cannot happen with a memory file; run the job here
                    continue
                yield job, pickle.loads(raw)

    def _reap(self, child: _Child) -> None:
        self.children.remove(child)
        if self.poller is not None:
            self.poller.unregister(child.notes)
        os.close(child.notes)
        os.close(child.data)
        os.waitpid(child.pid, 0)

    def _stop(self) -> None:
        for child in list(self.children):
            with suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
            self._reap(child)
        if self.claims >= 0:
            os.close(self.claims)
            self.claims = -1


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: parsing and checking allocate millions of small,
    long-lived, acyclic records, which the collector would rescan again and again for nothing.
    The earlier state is restored on leaving (nesting is fine)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _memory_file() -> int:
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("deploycheck-results", os.MFD_CLOEXEC)
        except OSError:
            pass
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the descriptor outlives the object
    return os.dup(handle.fileno())


def _send(notes: int, data: int, job: int, value: object) -> None:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = reducers()
    pickler.dump(value)
    view = buffer.getbuffer()
    written = 0
    while written < len(view):
        written += os.write(data, view[written:])
    os.write(notes, _NOTE.pack(job, len(view)))


@cache
def reducers() -> dict[type, Callable[[Any], Any]]:
    """The dispatch table children pickle results with: for deploycheck's frozen, slotted
    dataclasses, `(cls, field values)`, rebuilt by calling the class; every other type keeps
    its usual reduction. Filled per type on first sight, so it covers classes imported later."""
    return _Reducers(copyreg.dispatch_table)


class _Reducers(dict[type, Callable[[Any], Any]]):
    def __missing__(self, cls: type) -> Callable[[Any], Any]:
        if issubclass(cls, type):
            raise KeyError(cls)  # a class (of a metaclass): pickled by reference, as usual
        reducer = _reducer(cls) if cls.__module__.startswith("deploycheck.") else None
        if reducer is None:
            reducer = _usual
        self[cls] = reducer
        return reducer


def _usual(obj: Any) -> Any:
    return obj.__reduce_ex__(pickle.HIGHEST_PROTOCOL)


def _reducer(cls: type) -> Callable[[Any], Any] | None:
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen or not params.init or "__slots__" not in vars(cls):
        return None
    own = vars(cls)
    if hasattr(cls, "__post_init__") or "__reduce__" in own or "__reduce_ex__" in own:
        return None
    fields = dataclasses.fields(cls)
    if not fields or any(not f.init for f in fields):
        return None
    names = tuple(f.name for f in fields)
    if any(f.kw_only for f in fields):
        get = operator.attrgetter(*names)
        single = len(names) == 1
        return lambda obj: (_keywords, (cls, names, (get(obj),) if single else get(obj)))
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda obj: (cls, (one(obj),))
    many = operator.attrgetter(*names)
    return lambda obj: (cls, many(obj))


def _keywords(cls: type, names: tuple[str, ...], values: tuple[object, ...]) -> object:
    return cls(**dict(zip(names, values, strict=True)))
