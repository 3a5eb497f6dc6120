"""SQLite for the portal: Django's own backend, its writers queued in turn.

SQLite lets one transaction write at a time. A writer that finds the write lock taken is
answered "busy", and SQLite's own wait (the busy timeout) sleeps and tries again, longer each
time (1, 2, 5 … ms, then every 100 ms). Under many writers the lock is free most of the time
but seldom at the instant a sleeper looks: on deadline day a save that missed a few tries
waited seconds while later saves went through, its server thread idle all the while
(docs/decisions.md, "SQLite's writers wait in turn").

Here every transaction Django opens (`atomic`, which on SQLite begins IMMEDIATE: the write
lock) first takes an exclusive lock on a file beside the database, `<database>-writers`
(flock), and gives it back at its commit or rollback, or if its connection closes. A writer
waiting for it sleeps in the kernel and is woken as soon as the one before it is done, in
this process or another (the server's workers, the task worker, a command). The kernel gives
a process's lock back when the process ends, however it ends, so a killed worker leaves
nobody waiting on it. SQLite's own lock and busy timeout stay beneath: a single write outside
a transaction (a session's expiry, a sign-in's time) still meets them, and only briefly.

A database in memory (the tests') has no file to lock beside it and is not queued."""

from __future__ import annotations

import fcntl
import os
from typing import Any

from django.db.backends.sqlite3 import base

__all__ = ["QUEUE_SUFFIX", "DatabaseWrapper"]

QUEUE_SUFFIX = "-writers"  # the file beside the database that its writers lock in turn


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: tuple[int, int] | None = None  # (the process that opened it, its fd)
        self._in_turn = False

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
            self._end_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            self._end_turn()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            self._end_turn()
            if self._queue is not None:
                pid, descriptor = self._queue
                self._queue = None
                if pid == os.getpid():
                    os.close(descriptor)

    def _take_turn(self) -> None:
        if self.is_in_memory_db():
            return
        if self._queue is None or self._queue[0] != os.getpid():  # none yet, or a parent's
            flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC  # not left open in a program run
            path = f"{self.settings_dict['NAME']}{QUEUE_SUFFIX}"
            self._queue = (os.getpid(), os.open(path, flags, 0o600))
        fcntl.flock(self._queue[1], fcntl.LOCK_EX)
        self._in_turn = True

    def _end_turn(self) -> None:
        if self._in_turn and self._queue is not None:
            self._in_turn = False
            fcntl.flock(self._queue[1], fcntl.LOCK_UN)
