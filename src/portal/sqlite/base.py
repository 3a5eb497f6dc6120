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

A commit waits for the disk after the turn is given back. Told `synchronous=FULL`
(portal.env), SQLite syncs the write-ahead log as it commits, its write lock held all the
while: on deadline day a fifth of a save's turn went to that wait (docs/decisions.md, "A
commit waits for the disk after its turn"). Here a transaction tells SQLite NORMAL (its
commit writes the log without waiting for the disk) and, once the turn is given back, syncs
the log file itself before the commit returns: a commit that returns is on the disk, as
FULL's is, and the next writer writes while this one waits. A sync that fails stops the
database's writes, in every process (`_Log`). The log is written in commit order and a
recovery keeps what it holds up to its last whole commit, so the sync of one commit is the
sync of every commit before it, and of a commit another writer read before writing its own.
A commit can be read for the moment before its sync returns, which FULL does not allow: a
power cut in that moment loses it, though someone may have seen it, and its writer was
never answered. Writes outside a transaction, a database told NORMAL or less, and one not
in WAL mode are synced as SQLite syncs them.

The wait for the turn is bounded as SQLite's own is, by the database's `OPTIONS["timeout"]`
(20 s in portal.env): a writer still waiting then fails as SQLite would, "database is
locked", rather than hold its server thread for ever behind a writer that does not end (a
shell left in a transaction). SQLite's own lock and busy timeout stay beneath: a single write
outside a transaction (a sign-in's time, a job's progress) meets them as before, and a
writer whose turn has come may still wait for one, as long again at most. A database in
memory is not queued."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import math
import os
import sqlite3
import stat
import threading
import time
import weakref
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

__all__ = ["QUEUE_SUFFIX", "STOP_SUFFIX", "DatabaseWrapper"]

QUEUE_SUFFIX = "-writers"  # the file beside the database that its writers lock in turn
STOP_SUFFIX = "-unsynced"  # beside the database once the disk failed to write its log
DEFAULT_TIMEOUT_S = 5.0  # Python's sqlite3 default, when OPTIONS name none
logger = logging.getLogger("portal.sqlite")

_turns: dict[str, threading.Lock] = {}  # each database's turn in this process, by path
_waiting: set[int] = set()  # descriptors waiting for a file's lock in this process
_guard = threading.Lock()  # of both
_wrappers: weakref.WeakSet[DatabaseWrapper] = weakref.WeakSet()
_stopped: dict[str, str] = {}  # the stops this process has made or read, by their marker


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._queue: _Queue | None = None
        self._timeout = _timeout(self.settings_dict.get("OPTIONS", {}))
        self._log: _Log | None = None  # set on connecting, where a commit's sync is deferred
        _wrappers.add(self)

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        self._log = None if self.is_in_memory_db() else _Log.of(connection)
        return connection

    def create_cursor(self, name: Any = None) -> Any:
        """A cursor; outside a transaction (whose commit looks for itself), none that can
        write once the database's writes are stopped: reads go on."""
        cursor = super().create_cursor(name)
        log = self._log
        if log is not None and not self.connection.in_transaction and log.stopped():
            self.connection.execute("PRAGMA query_only=ON")
        return cursor

    def writes_stopped(self) -> str | None:
        """Why the database takes no more writes (a sync of its log failed), or None."""
        return None if self._log is None else self._log.stopped()

    def _start_transaction_under_autocommit(self) -> None:
        if self._log is not None:  # before the turn: nothing of it needs the write lock
            if (stopped := self._log.stopped()) is not None:
                raise OperationalError(stopped)
            with self.wrap_database_errors:
                self._log.defer(self.connection)
        try:
            self._take_turn()
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # Django's own, not in its stubs
        except BaseException:
            try:
                self._end_turn()
            finally:
                self._restore_sync()
            raise

    def _commit(self) -> None:
        committed = False
        try:
            if self._log is not None and (stopped := self._log.stopped()) is not None:
                self.connection.rollback()  # stopped meanwhile: not committed, even by hand
                raise OperationalError(stopped)
            super()._commit()  # type: ignore[misc]  # Django's own, not in its stubs
            committed = True
        finally:
            if self._end_turn_if_over():
                try:
                    if committed and self._log is not None:
                        self._log.sync(self.connection)
                finally:
                    self._restore_sync()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            if self._end_turn_if_over():
                self._restore_sync()

    def _restore_sync(self) -> None:
        """SQLite told again what it was told before the transaction. Should SQLite refuse,
        the connection is left NORMAL: it is then obsolete, and Django closes it at the end
        of the request, or before the next one uses it (`is_usable`, CONN_HEALTH_CHECKS)."""
        if self._log is None or self.connection is None:
            return
        try:
            self._log.restore(self.connection)
        except sqlite3.Error:
            self.close_at = time.monotonic()

    def is_usable(self) -> bool:
        return super().is_usable() and not (
            self._log is not None
            and self.connection is not None
            and self._log.left_normal(self.connection)
        )

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # Django's own, not in its stubs
        finally:
            if self._log is not None:
                self._log.close()
            if self._queue is not None:  # its turn given back with it
                self._queue.close()
                self._queue = None

    def _take_turn(self) -> None:
        if self.is_in_memory_db():
            return
        if self._queue is None:
            self._queue = _Queue(str(self.settings_dict["NAME"]))
        self._queue.take(self._timeout)

    def _end_turn_if_over(self) -> bool:
        """A failed COMMIT (a deferred reference refused) leaves SQLite's transaction open,
        and its write lock held, until the rollback that follows: the turn goes with it.
        True if the transaction is over."""
        try:
            over = self.connection is None or not self.connection.in_transaction
        except sqlite3.ProgrammingError:  # closed: its transaction with it
            over = True
        if over:
            self._end_turn()
        return over

    def _end_turn(self) -> None:
        if self._queue is not None:
            self._queue.give_back()


class _Log:
    """A connection's write-ahead log, synced at a commit after the turn is given back (the
    module's docstring): SQLite told NORMAL for the transaction if it was told to sync every
    commit (FULL or EXTRA; anything less is left as it is), the log file synced before the
    commit returns, and SQLite told again what it was told before.

    The log is synced through one descriptor for the connection's life, opened with the
    connection (at its first sync if the log did not exist yet): the file is never deleted
    while a connection to the database is open, and a descriptor open when the disk fails
    to write a page is told so at its next sync (one opened after the failure was reported
    elsewhere, to SQLite's own at a checkpoint for one, would not be).

    A sync that fails stops the database's writes, in every process, until an operator has
    moved it (docs/reliability.md): the disk may lack a commit that SQLite has already made,
    and a later commit, acknowledged over that gap, could be lost with it. The stop is a
    marker beside the database, `<database>-unsynced`, which says when and why; looked for
    as a transaction begins, as it commits and once its sync has returned, and outside a
    transaction as a cursor is made: a transaction that finds it is refused (rolled back,
    if begun; not acknowledged, if committed), and a connection that finds it outside one
    takes no more writes (SQLite's `query_only`), as the failed one does at once. Reads go
    on. A process that has seen the stop keeps it until it ends, the marker removed or
    not."""

    def __init__(self, database: str) -> None:
        self.path = f"{database}-wal"
        self.marker = f"{database}{STOP_SUFFIX}"
        self.told: int | None = None  # SQLite's `synchronous` until a transaction deferred it
        self.descriptor: int | None = None
        self.closed: weakref.finalize[Any, _Log] | None = None

    @classmethod
    def of(cls, connection: sqlite3.Connection) -> _Log | None:
        """None unless the database is in WAL mode: a rollback journal is synced as SQLite
        syncs it."""
        (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() != "wal":
            return None
        files = {name: path for _, name, path in connection.execute("PRAGMA database_list")}
        log = cls(files["main"])
        # open now, before any failure to write the log that this connection must hear of:
        # one opened after another descriptor (SQLite's own, at a checkpoint) was told of it
        # would not be
        try:
            log._open()
        except FileNotFoundError:  # no log yet: opened at the first sync
            pass
        except OSError as error:  # too many files open: not a connection that would hear
            raise OperationalError(f"{log.path}: {error.strerror}") from error
        return log

    def defer(self, connection: sqlite3.Connection) -> None:
        if self.told is None:  # else left NORMAL by a restore SQLite refused: still deferred
            (told,) = connection.execute("PRAGMA synchronous").fetchone()
            if int(told) < FULL:
                return
            connection.execute("PRAGMA synchronous=NORMAL")
            self.told = int(told)

    def sync(self, connection: sqlite3.Connection) -> None:
        """The log on the disk, if the transaction deferred its sync: whatever it wrote, rows
        or the schema. A sync that fails fails the commit, which SQLite has made and others
        may read. The disk may then lack it while later commits are acknowledged: the
        database's writes are stopped, and the operator told, at the log's loudest, to back
        it up and move it (docs/reliability.md; docs/decisions.md, 38)."""
        if self.told is None:
            return
        try:
            descriptor = self._open()
        except OSError as error:  # not the disk's: this commit unsynced, the next sync's
            raise OperationalError(f"{self.path}: {error.strerror}") from error
        try:
            os.fdatasync(descriptor)
        except OSError as error:
            self._stop(error, connection)
            raise OperationalError(f"{self.path}: {error.strerror}") from error
        if (stopped := self.stopped()) is not None:  # by another since this commit began:
            raise OperationalError(stopped)  # it may sit after what the disk did not write

    def _open(self) -> int:
        if self.descriptor is None:
            self.descriptor = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            self.closed = weakref.finalize(self, os.close, self.descriptor)
        return self.descriptor

    def stopped(self) -> str | None:
        """Why the database's writes are stopped, or None: one `stat` while they are not."""
        if not os.path.exists(self.marker):
            return _stopped.get(self.marker)  # a marker this process could not write
        if self.marker not in _stopped:
            said = _marker_text(self.marker)
            if not said:  # being written: stopped all the same, the reason read next time
                return _stop_message(self.marker)
            _stopped[self.marker] = _stop_message(self.marker, said)
        return _stopped[self.marker]

    def _stop(self, error: OSError, connection: sqlite3.Connection) -> None:
        """The database's writes stopped: on this connection at once, in this process, and
        through the marker in every other; the operator told at the log's loudest."""
        when = datetime.now(UTC).isoformat(timespec="seconds")
        said = f"the disk did not write {self.path} at {when} ({error.strerror})"
        _stopped.setdefault(self.marker, _stop_message(self.marker, said))
        with contextlib.suppress(sqlite3.Error):  # a write on it, by a cursor made before
            connection.execute("PRAGMA query_only=ON")
        try:
            marker = os.open(
                self.marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644
            )
        except FileExistsError:  # stopped already, by this process or another
            marker = None
        except OSError as failed:
            logger.critical(
                "%s could not be made (%s): only this process stops its writes",
                self.marker,
                failed.strerror,
            )
            marker = None
        if marker is not None:
            try:
                os.write(marker, f"{said}\n".encode())
                os.fsync(marker)  # to outlive a restart of the machine, if the disk can
            except OSError as failed:
                logger.critical("%s: %s", self.marker, failed.strerror)
            finally:
                os.close(marker)
        logger.critical(
            "The disk did not write the database's log %s (%s): commits may be acknowledged "
            "that it lacks, so the database takes no more writes (%s). Back it up onto "
            "another disk now, while the portal runs, then stop the portal and its worker "
            "and restore the backup on a sound disk (docs/reliability.md).",
            self.path,
            error.strerror,
            self.marker,
        )

    def restore(self, connection: sqlite3.Connection) -> None:
        if self.told is not None:
            connection.execute(f"PRAGMA synchronous={self.told:d}")
            self.told = None

    def left_normal(self, connection: Any) -> bool:
        """Whether SQLite refused to be told again what it was told, outside a transaction."""
        return self.told is not None and not connection.in_transaction

    def close(self) -> None:
        if self.closed is not None:
            self.closed()
        self.descriptor = self.closed = None


FULL = 2  # PRAGMA synchronous's FULL
MARKER_READ = 1000  # characters of a marker's reason read


def _stop_message(marker: str, reason: str = "") -> str:
    """What a refused write says: the marker, and the reason it gives, if read yet."""
    return f"{marker}: writes stopped: {reason}" if reason else f"{marker}: writes stopped"


def _marker_text(path: str) -> str:
    """The reason a marker gives, on one line of printable characters; read only from a
    regular file, not through a link, never waiting (a pipe)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        return f"({error.strerror})"
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return "(not a file)"
        text = os.read(descriptor, MARKER_READ * 4).decode("utf-8", errors="replace")
    except OSError as error:
        return f"({error.strerror})"
    finally:
        os.close(descriptor)
    return "".join(c if c.isprintable() else " " for c in text).strip()[:MARKER_READ]


def _timeout(options: Any) -> float:
    """The longest a writer waits for its turn, in seconds: the database's `timeout`, which
    SQLite's own wait uses too; a number, finite, not negative and within what a thread
    may wait (`threading.TIMEOUT_MAX`, about 292 years)."""
    value = options.get("timeout", DEFAULT_TIMEOUT_S)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or not 0 <= seconds <= threading.TIMEOUT_MAX:
        raise ImproperlyConfigured(
            f"DATABASES OPTIONS timeout={value!r}: expected seconds, a finite number, 0 or "
            f"more, at most {threading.TIMEOUT_MAX:.0f}"
        )
    return seconds


class _Queue:
    """One connection's place in its database's queue: its process's turn, then the file."""

    def __init__(self, database: str) -> None:
        self.path = os.path.realpath(database) + QUEUE_SUFFIX  # one file, however it is named
        with _guard:
            self.process_turn = _turns.setdefault(self.path, threading.Lock())
        descriptor = _opened(self.path)
        self.descriptor = descriptor
        self.closed = weakref.finalize(self, os.close, descriptor)  # a wrapper dropped unclosed
        self.holding: int | None = None  # the descriptor that holds the file's lock, if any
        self.has_turn = False

    def take(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        self.has_turn = self.process_turn.acquire(timeout=timeout)
        if not self.has_turn:
            raise OperationalError("database is locked")
        try:
            self._take_file(deadline)
        except BaseException:
            self.give_back()
            raise

    def _take_file(self, deadline: float) -> None:
        """The file's lock, on this connection's own descriptor if it is free, else on one
        that waits for it until `deadline`; `holding` says which, as soon as it is held."""
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.holding = self.descriptor
            return
        except BlockingIOError:
            pass
        except OSError as error:
            raise OperationalError(f"{self.path}: {error.strerror}") from error
        _wait_for_file(self, deadline - time.monotonic())
        if self.holding is None:
            raise OperationalError("database is locked")

    def give_back(self) -> None:
        if not self.has_turn:
            return
        holding = self.holding
        try:
            if holding is not None:
                try:
                    fcntl.flock(holding, fcntl.LOCK_UN)
                finally:
                    if holding != self.descriptor:
                        _close_waiting(holding)
        finally:
            self.holding, self.has_turn = None, False
            self.process_turn.release()

    def close(self) -> None:
        self.give_back()
        self.closed()

    def forget(self) -> None:
        """In a child process just forked: the parent's turn is the parent's (unlocking here
        would unlock it there, and keeping the file open would keep it locked after the
        parent ends); the child starts with no turn and no file. A waiting descriptor is
        closed with the others (`_after_fork_in_child`)."""
        self.has_turn, self.holding = False, None
        self.closed()


def _opened(path: str) -> int:
    try:  # read-only is enough to lock it; whoever creates it, everyone may read it
        return os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise OperationalError(f"{path}: {error.strerror}") from error


def _wait_for_file(queue: _Queue, timeout: float) -> None:
    """The file's lock on a new descriptor, handed to `queue.holding` once the writer before
    has given it back, if that is within `timeout`. The kernel wakes the waiter as soon as
    the lock is free, but a waiting flock cannot be given up: it waits in a thread of its
    own, which gives the lock straight back if it comes too late, or if the caller stopped
    waiting for any other reason."""
    if timeout <= 0:
        return
    descriptor = _opened(queue.path)
    with _guard:
        _waiting.add(descriptor)
    state = threading.Lock()
    done = threading.Event()
    late = False
    failure: list[OSError] = []

    def wait() -> None:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as error:
            failure.append(error)
            _close_waiting(descriptor)
            done.set()
            return
        with state:
            if late:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
                _close_waiting(descriptor)
                return
            queue.holding = descriptor
        done.set()

    try:
        threading.Thread(target=wait, name="sqlite-turn", daemon=True).start()
    except BaseException:
        _close_waiting(descriptor)
        raise
    try:
        done.wait(timeout)
    finally:
        with state:
            late = queue.holding != descriptor  # not handed over: too late from now on
    if failure:
        raise OperationalError(f"{queue.path}: {failure[0].strerror}")


def _close_waiting(descriptor: int) -> None:
    with _guard:
        _waiting.discard(descriptor)
    os.close(descriptor)


def _after_fork_in_child() -> None:
    global _turns, _guard, _waiting
    for descriptor in _waiting:  # the parent's waits: their copies here would hold its lock
        with contextlib.suppress(OSError):
            os.close(descriptor)
    # a lock held by another thread of the parent would never be released here
    _turns, _guard, _waiting = {}, threading.Lock(), set()
    for wrapper in list(_wrappers):
        if wrapper._queue is not None:
            wrapper._queue.forget()
            wrapper._queue = None


os.register_at_fork(after_in_child=_after_fork_in_child)
