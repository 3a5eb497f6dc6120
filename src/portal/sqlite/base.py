"""SQLite for the portal: Django's own backend, its writers queued in turn.

SQLite lets one transaction write at a time. A writer that finds the write lock taken is
answered "busy", and SQLite's own wait (the busy timeout) sleeps and tries again, longer each
time (1, 2, 5 … ms, then every 100 ms). Under many writers the lock is free most of the time
but seldom at the instant a sleeper looks: on deadline day a save that missed a few tries
waited seconds while later saves went through, its server thread idle all the while
(docs/decisions.md, "SQLite's writers wait in turn").

Here every transaction Django opens (`atomic`, which on SQLite begins IMMEDIATE: the write
lock) first takes its turn, and gives it back once the transaction is over (committed, rolled
back, or its connection closed):

- in its process, a lock per database: the threads of one server worker wait on it and the
  next is woken as soon as the turn is given back;
- between processes (the server's workers, the task worker, a command), an exclusive lock on
  a file beside the database, `<database>-writers` (flock), waited for in the kernel by the
  one thread of each process that holds its process's turn, and woken as soon as it is
  free. The kernel gives a process's lock back when the process ends, however it ends.

The wait is bounded as SQLite's own is, by the database's `OPTIONS["timeout"]` (20 s in
portal.env): a writer still waiting then fails as SQLite would, "database is locked", rather
than hold its server thread for ever behind a writer that does not end (a shell left in a
transaction). SQLite's own lock and busy timeout stay beneath: a single write outside a
transaction (a sign-in's time, a job's progress) meets them as before. A database in memory
is not queued."""

from __future__ import annotations

import fcntl
import os
import threading
import time
import weakref
from typing import Any

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

__all__ = ["QUEUE_SUFFIX", "DatabaseWrapper"]

QUEUE_SUFFIX = "-writers"  # the file beside the database that its writers lock in turn
DEFAULT_TIMEOUT_S = 5.0  # Python's sqlite3 default, when OPTIONS name none

_turns: dict[str, threading.Lock] = {}  # each database's turn in this process, by path
_turns_guard = threading.Lock()
_wrappers: weakref.WeakSet[DatabaseWrapper] = weakref.WeakSet()


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: _Queue | None = None
        _wrappers.add(self)

    def _start_transaction_under_autocommit(self) -> None:
        self._take_turn()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # Django's own, not in its stubs
        except BaseException:
            self._end_turn()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            self._end_turn_if_over()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            self._end_turn_if_over()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            self._end_turn()
            if self._queue is not None:
                self._queue.close()
                self._queue = None

    def _take_turn(self) -> None:
        if self.is_in_memory_db():
            return
        if self._queue is None:
            self._queue = _Queue(str(self.settings_dict["NAME"]))
        timeout = self.settings_dict["OPTIONS"].get("timeout", DEFAULT_TIMEOUT_S)
        self._queue.take(float(timeout))

    def _end_turn_if_over(self) -> None:
        """A failed COMMIT (a deferred reference refused) leaves SQLite's transaction open,
        and its write lock held, until the rollback that follows: the turn goes with it."""
        if self.connection is None or not self.connection.in_transaction:
            self._end_turn()

    def _end_turn(self) -> None:
        if self._queue is not None:
            self._queue.give_back()


class _Queue:
    """One connection's place in its database's queue: its process's turn, then the file."""

    def __init__(self, database: str) -> None:
        self.path = os.path.realpath(database) + QUEUE_SUFFIX  # one file, however it is named
        with _turns_guard:
            self.process_turn = _turns.setdefault(self.path, threading.Lock())
        descriptor = _opened(self.path)
        self.descriptor = descriptor
        self.closed = weakref.finalize(self, os.close, descriptor)  # a wrapper dropped unclosed
        self.holding: int | None = None  # the descriptor that holds the file's lock, if any
        self.has_turn = False

    def take(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.process_turn.acquire(timeout=timeout):
            raise OperationalError("database is locked")
        self.has_turn = True  # before the file: given back whatever happens from here
        try:
            self.holding = self._file(deadline)
        except BaseException:
            self.give_back()
            raise
        if self.holding is None:
            self.give_back()
            raise OperationalError("database is locked")

    def _file(self, deadline: float) -> int | None:
        """The descriptor holding the file's lock: this connection's own if the lock is free,
        else one that waited for it until `deadline` (None: in vain)."""
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return self.descriptor
        except BlockingIOError:
            return _waited_for(self.path, deadline - time.monotonic())
        except OSError as error:
            raise OperationalError(f"{self.path}: {error.strerror}") from error

    def give_back(self) -> None:
        if not self.has_turn:
            return
        self.has_turn = False
        holding, self.holding = self.holding, None
        try:
            if holding is not None:
                fcntl.flock(holding, fcntl.LOCK_UN)
                if holding != self.descriptor:
                    os.close(holding)
        finally:
            self.process_turn.release()

    def close(self) -> None:
        self.give_back()
        self.closed()

    def forget(self) -> None:
        """In a child process just forked: the parent's turn is the parent's (unlocking here
        would unlock it there, and keeping the file open would keep it locked after the
        parent ends); the child starts with no turn and no file."""
        if self.holding is not None and self.holding != self.descriptor:
            os.close(self.holding)
        self.has_turn, self.holding = False, None
        self.closed()


def _opened(path: str) -> int:
    try:  # read-only is enough to lock it; whoever creates it, everyone may read it
        return os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise OperationalError(f"{path}: {error.strerror}") from error


def _waited_for(path: str, timeout: float) -> int | None:
    """A new descriptor of `path` holding its lock once the writer before has given it back,
    or None if that takes longer than `timeout`. The kernel wakes the waiter as soon as the
    lock is free, but a waiting flock cannot be given up: it waits in a thread of its own,
    which gives the lock straight back if it comes too late."""
    descriptor = _opened(path)
    state = threading.Lock()
    got, late = threading.Event(), threading.Event()

    def wait() -> None:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError:
            os.close(descriptor)
            return
        with state:
            if late.is_set():
                fcntl.flock(descriptor, fcntl.LOCK_UN)
                os.close(descriptor)
                return
            got.set()

    threading.Thread(target=wait, name="sqlite-turn", daemon=True).start()
    if got.wait(max(timeout, 0.0)):
        return descriptor
    with state:
        if got.is_set():  # just now
            return descriptor
        late.set()
    return None


def _after_fork_in_child() -> None:
    global _turns, _turns_guard
    # a lock held by another thread of the parent would never be released here
    _turns, _turns_guard = {}, threading.Lock()
    for wrapper in list(_wrappers):
        if wrapper._queue is not None:
            wrapper._queue.forget()
            wrapper._queue = None


os.register_at_fork(after_in_child=_after_fork_in_child)
