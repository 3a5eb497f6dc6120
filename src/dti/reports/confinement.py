"""Run one rendering in a child process that may use only so much time and memory.

The sandbox (`dti.reports.sandbox`) stops a template from reaching Python's internals, but
not from looping a billion times or building a string of a billion characters. Such work
runs here in a forked child whose address space and CPU time are capped with `setrlimit`,
and which the parent kills when its wall-clock time is up. A child that is killed, runs out
of memory or dies answers `ConfinementError`; the server process is never touched. The
child may not write to any file, nor (unless the server runs as root, which it must not)
start a process: defence in depth behind the sandbox, should a way out of it be found.

The child is a `fork` of the caller, so the function and its arguments need no pickling and
the caller's imports are already loaded; it returns bytes through a pipe, and the child
leaves with `os._exit` so nothing of the parent (database connections, files) is closed or
flushed twice. Linux and other POSIX systems only.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection


@dataclass(frozen=True)
class Limits:
    """What one rendering may use: wall-clock seconds, extra memory, bytes produced."""

    seconds: float = 120.0
    memory_bytes: int = 1024 * 1024 * 1024
    output_bytes: int = 100 * 1024 * 1024


class ConfinementError(RuntimeError):
    """The work ran out of time or memory, produced too much, or died."""


class ChildError(Exception):
    """An error the work raised on purpose in the child, passed back with its message."""

    def __init__(self, kind: str, message: str, detail: str | None):
        super().__init__(message)
        self.kind = kind
        self.detail = detail


def run_confined(
    work: Callable[[], bytes],
    limits: Limits,
    expected: tuple[type[Exception], ...] = (),
) -> bytes:
    """`work()` in a confined child. An exception of an `expected` type comes back as
    ChildError (its class name, message and `placeholder` attribute if any); anything else
    that stops the child is a ConfinementError."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(work, limits, expected, sender), daemon=True)
    child.start()
    sender.close()
    try:
        return _receive(receiver, child, limits)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _receive(
    receiver: Connection, child: multiprocessing.process.BaseProcess, limits: Limits
) -> bytes:
    if not receiver.poll(limits.seconds):
        raise ConfinementError(f"quá {limits.seconds:g} giây")
    try:
        outcome = receiver.recv()
    except EOFError:
        child.join()
        raise ConfinementError(_death(child.exitcode)) from None
    status, payload = outcome
    if status == "ok":
        assert isinstance(payload, bytes)
        return payload
    if status == "expected":
        kind, message, detail = payload
        raise ChildError(kind, message, detail)
    raise ConfinementError(str(payload))


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return "vượt giới hạn thời gian hoặc bộ nhớ"
    return "tiến trình dựng báo cáo dừng bất thường"


def _child(
    work: Callable[[], bytes],
    limits: Limits,
    expected: tuple[type[Exception], ...],
    sender: Connection,
) -> None:
    _limit_resources(limits)
    try:
        result = work()
        if len(result) > limits.output_bytes:
            sender.send(("limit", f"kết quả lớn hơn {limits.output_bytes // 1024 // 1024} MB"))
        else:
            sender.send(("ok", result))
    except MemoryError:
        sender.send(("limit", "vượt giới hạn bộ nhớ"))
    except RecursionError:
        sender.send(("limit", "lồng nhau quá sâu"))
    except expected as error:
        detail = getattr(error, "placeholder", None)
        sender.send(("expected", (type(error).__name__, str(error), detail)))
    except Exception as error:  # anything else the work raised: the parent says it failed
        sender.send(("failed", f"lỗi khi dựng ({type(error).__name__})"))
    finally:
        sender.close()
        os._exit(0)


def _limit_resources(limits: Limits) -> None:
    """Cap the child's address space at what it has now plus the budget and its CPU time;
    forbid it to write to any file (its answer goes through the pipe) and, for a server that
    does not run as root, to start a process."""
    in_use = _address_space_bytes()
    if in_use:  # unknown where /proc is absent: then only the time is capped
        _lower(resource.RLIMIT_AS, in_use + limits.memory_bytes)
    _lower(resource.RLIMIT_CPU, int(limits.seconds) + 1)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead
    _lower(resource.RLIMIT_FSIZE, 0)
    _lower(resource.RLIMIT_NPROC, 0)


def _lower(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    if soft == resource.RLIM_INFINITY or value < soft:
        resource.setrlimit(kind, (value, hard))


def _address_space_bytes() -> int:
    """The process's virtual size (VmSize), which is what RLIMIT_AS counts."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
