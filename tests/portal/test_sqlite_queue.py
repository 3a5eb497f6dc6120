"""SQLite's writers wait in turn (portal.sqlite): a transaction takes its turn (its process's,
then the lock on the file beside the database) before SQLite's own write lock, and gives it
back once the transaction is over, so the next writer goes on as soon as the one before it
is done, in this process or another; a writer still waiting after the database's timeout
fails as SQLite would. The suite's own test database is a file and runs every test through
this backend; these tests hold the turn on purpose."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler, IntegrityError, OperationalError

from portal.env import database_from_url
from portal.sqlite import base
from portal.sqlite.base import QUEUE_SUFFIX, STOP_SUFFIX

WAIT_S = 30  # how long a test waits for a thread that should finish
SHORT_S = 0.5  # how long a writer that should be waiting is given to show it is not


@pytest.fixture(autouse=True)
def no_stop_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a test's failed sync stops stays the test's (portal.sqlite keeps the stops a
    process has seen)."""
    monkeypatch.setattr(base, "_stopped", {})


@pytest.fixture
def open_database(tmp_path, django_db_blocker) -> Iterator[Callable[[float], ConnectionHandler]]:
    """A SQLite file opened as the settings open it, with a table of steps; `timeout` the
    longest a writer waits (SQLite's busy timeout and the queue's)."""
    handlers: list[ConnectionHandler] = []

    def opened(timeout: float) -> ConnectionHandler:
        settings = database_from_url("sqlite:///dti.sqlite3", tmp_path)
        settings["OPTIONS"]["timeout"] = timeout  # type: ignore[index]  # the settings' dict
        handler = ConnectionHandler({"default": settings})
        handlers.append(handler)
        with handler["default"].cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS step (name TEXT)")
        return handler

    with django_db_blocker.unblock():
        yield opened
        for handler in handlers:
            handler.close_all()


@contextmanager
def transaction(wrapper: Any) -> Iterator[Any]:
    """What `atomic` does with its connection at the outermost level."""
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        with wrapper.cursor() as cursor:
            yield cursor
        wrapper.commit()
    except BaseException:
        wrapper.rollback()
        raise
    finally:
        wrapper.set_autocommit(True)


def in_thread(handler: ConnectionHandler, work: Callable[[Any], None]) -> threading.Thread:
    """`work` on a connection of its own (one per thread), in a thread, started."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work(handler["default"])
        except BaseException as error:  # the test reads it
            errors.append(error)
        finally:
            handler["default"].close()

    thread = threading.Thread(target=run)
    thread.errors = errors  # type: ignore[attr-defined]
    thread.start()
    return thread


def inserting(name: str, then: Callable[[], object] = lambda: None) -> Callable[[Any], None]:
    """Work that writes `name` in a transaction of its own and calls `then` before its
    commit."""

    def work(wrapper: Any) -> None:
        with transaction(wrapper) as cursor:
            cursor.execute("INSERT INTO step VALUES (%s)", [name])
            then()

    return work


def finished(thread: threading.Thread) -> bool:
    thread.join(WAIT_S)
    assert not thread.errors, thread.errors  # type: ignore[attr-defined]
    return not thread.is_alive()


def steps(handler: ConnectionHandler) -> list[str]:
    with handler["default"].cursor() as cursor:
        cursor.execute("SELECT name FROM step ORDER BY rowid")
        return [name for (name,) in cursor.fetchall()]


def turn_taken(tmp_path: Path) -> bool:
    """Whether someone holds the database's turn: the file beside it, tried from outside."""
    descriptor = os.open(tmp_path / f"dti.sqlite3{QUEUE_SUFFIX}", os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def turn_given_back(tmp_path: Path) -> bool:
    """Whether the turn is free within WAIT_S: a wait that came too late takes the lock when
    its holder ends, then gives it straight back."""
    deadline = time.monotonic() + WAIT_S
    while turn_taken(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.01)
    return not turn_taken(tmp_path)


def test_a_writer_waits_its_turn_and_goes_on_when_the_one_before_commits(open_database):
    database = open_database(WAIT_S)
    begun, go_on = threading.Event(), threading.Event()
    one = in_thread(database, inserting("first", then=lambda: (begun.set(), go_on.wait(WAIT_S))))
    assert begun.wait(WAIT_S)
    two = in_thread(database, inserting("second"))
    two.join(SHORT_S)
    assert two.is_alive() and not two.errors  # type: ignore[attr-defined]
    go_on.set()
    assert finished(one) and finished(two)
    assert steps(database) == ["first", "second"]


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_the_turn_is_given_back_when_the_transaction_ends_however_it_ends(open_database, end):
    """The first connection stays open after its commit or rollback (as a server thread's
    does, for a minute) or is closed mid-transaction; the next writer goes on meanwhile,
    well before its timeout."""
    database = open_database(WAIT_S)
    ended, let_go = threading.Event(), threading.Event()

    def first(wrapper: Any) -> None:
        wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO step VALUES ('first')")
        if end == "close":
            wrapper.close()
        else:
            getattr(wrapper, end)()
            wrapper.set_autocommit(True)
        ended.set()
        let_go.wait(WAIT_S)  # the connection kept open until the next writer is done

    one = in_thread(database, first)
    assert ended.wait(WAIT_S)
    two = in_thread(database, inserting("second"))
    two.join(WAIT_S / 2)
    went_on = not two.is_alive()  # while the first connection was still open
    let_go.set()  # let the first go, whatever happened
    assert finished(one) and finished(two)
    assert went_on
    assert steps(database) == (["first", "second"] if end == "commit" else ["second"])


def test_a_commit_refused_keeps_the_turn_until_its_rollback(open_database, tmp_path):
    """A reference checked at the commit (Django's are deferred) refuses it, and SQLite keeps
    the transaction and its write lock until the rollback that follows: so does the turn."""
    database = open_database(WAIT_S)
    wrapper = database["default"]
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE child (parent INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)"
        )
        cursor.execute("PRAGMA foreign_keys = ON")
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO child VALUES (999)")
    with pytest.raises(IntegrityError):
        wrapper.commit()
    assert wrapper.connection.in_transaction and turn_taken(tmp_path)
    assert synchronous(wrapper) == 1  # NORMAL until the transaction ends
    wrapper.rollback()
    wrapper.set_autocommit(True)
    assert not turn_taken(tmp_path)
    assert synchronous(wrapper) == 2  # told FULL again with the transaction's end


@pytest.fixture
def holder(tmp_path) -> Iterator[subprocess.Popen[str]]:
    """Another process (a server's worker, the task worker) holding the database's turn until
    it reads a line, then ending without giving it back: the kernel gives it back for it."""
    process = subprocess.Popen(  # this interpreter, a fixed program
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n"
            "os._exit(0)\n",
            str(tmp_path / f"dti.sqlite3{QUEUE_SUFFIX}"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "held\n"
        yield process
    finally:
        process.kill()
        process.wait()


def end(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()
    process.wait(WAIT_S)


def test_a_writer_of_another_process_is_waited_for_and_its_end_gives_the_turn_back(
    open_database, holder
):
    database = open_database(WAIT_S)
    waiting = in_thread(database, inserting("after"))
    waiting.join(SHORT_S)  # SQLite's own lock is free: only the turn holds it back
    assert waiting.is_alive() and steps(database) == []
    end(holder)
    assert finished(waiting)
    assert steps(database) == ["after"]


def test_a_writer_still_waiting_at_its_timeout_fails_as_sqlite_would_and_holds_nothing(
    open_database, holder, tmp_path
):
    database = open_database(0.3)
    waiting = in_thread(database, inserting("refused"))
    waiting.join(WAIT_S)
    assert [str(error) for error in waiting.errors] == ["database is locked"]  # type: ignore[attr-defined]
    assert isinstance(waiting.errors[0], OperationalError)  # type: ignore[attr-defined]
    end(holder)
    assert turn_given_back(tmp_path)  # the refused writer's late wait kept no turn
    assert finished(in_thread(database, inserting("later")))
    assert steps(database) == ["later"]


def test_a_wait_broken_off_leaves_no_lock_behind(open_database, holder, tmp_path):
    """A writer stops waiting for another reason than its timeout (an interrupt in a shell):
    the lock its wait gets afterwards is given straight back, and the next writer goes on."""

    class Interrupted(Exception):
        pass

    def interrupt(signum: int, frame: object) -> None:
        raise Interrupted

    database = open_database(WAIT_S)
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, SHORT_S)
        with pytest.raises(Interrupted), transaction(database["default"]) as cursor:
            cursor.execute("INSERT INTO step VALUES ('interrupted')")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    end(holder)
    assert turn_given_back(tmp_path)  # the broken-off wait takes the lock, and gives it back
    assert finished(in_thread(database, inserting("later")))
    assert steps(database) == ["later"]


def test_a_child_forked_in_a_transaction_neither_ends_nor_keeps_the_parents_turn(
    open_database, tmp_path
):
    """A process forked while its parent writes (a confined report template's renderer)
    closes its connections without giving back the parent's turn, and keeps no copy of
    the file that would hold the turn after the parent ends."""
    database = open_database(WAIT_S)
    wrapper = database["default"]
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO step VALUES ('parent')")
    inherited = wrapper._queue.descriptor
    child = os.fork()
    if child == 0:  # the child: close as a process does, then say whether the file is still open
        try:
            wrapper.close()
            os.fstat(inherited)
            os._exit(1)  # still open here
        except OSError:
            os._exit(0)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert turn_taken(tmp_path)  # still the parent's
    wrapper.commit()
    wrapper.set_autocommit(True)
    assert not turn_taken(tmp_path)
    assert steps(database) == ["parent"]


def test_reads_outside_a_transaction_do_not_wait(open_database):
    database = open_database(WAIT_S)
    begun, go_on = threading.Event(), threading.Event()
    holding = in_thread(
        database, inserting("pending", then=lambda: (begun.set(), go_on.wait(WAIT_S)))
    )
    try:
        assert begun.wait(WAIT_S)
        assert steps(database) == []  # a page's reads go on beside a writer (WAL)
    finally:
        go_on.set()
    assert finished(holding)


def test_a_database_in_memory_has_no_file_beside_it(tmp_path, django_db_blocker, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = database_from_url("sqlite:///dti.sqlite3", tmp_path)
    settings["NAME"] = ":memory:"
    handler = ConnectionHandler({"default": settings})
    with django_db_blocker.unblock():
        with transaction(handler["default"]) as cursor:
            cursor.execute("SELECT 1")
        handler.close_all()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1, 1e10, "20 s", None])
def test_a_timeout_that_is_not_a_finite_number_of_seconds_is_refused_at_once(tmp_path, timeout):
    from django.core.exceptions import ImproperlyConfigured

    settings = database_from_url("sqlite:///dti.sqlite3", tmp_path)
    settings["OPTIONS"]["timeout"] = timeout  # type: ignore[index]  # the settings' dict
    with pytest.raises(ImproperlyConfigured, match="timeout"):
        ConnectionHandler({"default": settings})["default"]


# A commit's sync to the disk: SQLite told NORMAL while the transaction writes (its commit
# does not wait for the disk), the log synced once the turn is given back, before the commit
# returns: a commit that returns is on the disk, as FULL's is.


def syncs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, bool]]:
    """Each of the portal's syncs from now on: the file synced, and whether the turn was
    taken as it was synced."""
    calls: list[tuple[str, bool]] = []
    sync = os.fdatasync

    def recorded(descriptor: int) -> None:
        calls.append((os.path.realpath(f"/proc/self/fd/{descriptor}"), turn_taken(tmp_path)))
        sync(descriptor)

    monkeypatch.setattr(os, "fdatasync", recorded)
    return calls


def synchronous(wrapper: Any) -> int:
    """SQLite's `synchronous` on the wrapper's connection: 1 NORMAL, 2 FULL."""
    (level,) = wrapper.connection.execute("PRAGMA synchronous").fetchone()
    return int(level)


def log_of(tmp_path: Path) -> str:
    return os.path.realpath(tmp_path / "dti.sqlite3-wal")


def test_a_commit_is_synced_to_the_disk_after_the_turn_is_given_back(
    open_database, tmp_path, monkeypatch
):
    database = open_database(WAIT_S)
    wrapper = database["default"]
    synced = syncs(monkeypatch, tmp_path)
    assert synchronous(wrapper) == 2  # FULL outside a transaction: a single write's own
    with transaction(wrapper) as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["saved"])
        assert synchronous(wrapper) == 1 and synced == []
    assert synced == [(log_of(tmp_path), False)]
    assert synchronous(wrapper) == 2
    assert steps(database) == ["saved"]


def test_a_commit_that_changes_only_the_schema_is_synced_one_rolled_back_is_not(
    open_database, tmp_path, monkeypatch
):
    database = open_database(WAIT_S)
    wrapper = database["default"]
    synced = syncs(monkeypatch, tmp_path)
    with transaction(wrapper) as cursor:  # no row changed, the log written all the same
        cursor.execute("CREATE INDEX step_name ON step (name)")
    assert synced == [(log_of(tmp_path), False)]

    def undone() -> None:
        with transaction(wrapper) as cursor:
            cursor.execute("INSERT INTO step VALUES (%s)", ["undone"])
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        undone()
    assert len(synced) == 1
    assert synchronous(wrapper) == 2 and steps(database) == []


def disk_failing(descriptor: int) -> None:
    """`fdatasync` as it reports a page the disk failed to write."""
    raise OSError(5, "Input/output error")


def test_a_sync_that_fails_fails_the_commit_and_gives_everything_back(
    open_database, tmp_path, monkeypatch, caplog
):
    """SQLite has made the commit, which others may read: the request fails as if its
    server had died just after the commit, and the operator is told what to do, since the
    disk may lack what later commits build on (docs/decisions.md, 38)."""
    database = open_database(WAIT_S)
    wrapper = database["default"]
    monkeypatch.setattr(os, "fdatasync", disk_failing)
    with (
        pytest.raises(OperationalError, match=r"dti\.sqlite3-wal: Input/output error"),
        transaction(wrapper) as cursor,
    ):
        cursor.execute("INSERT INTO step VALUES (%s)", ["unsure"])
    assert not turn_taken(tmp_path) and synchronous(wrapper) == 2
    assert steps(database) == ["unsure"]
    [told] = [r for r in caplog.records if r.name == "portal.sqlite"]
    assert told.levelname == "CRITICAL"
    assert "dti.sqlite3-wal (Input/output error)" in told.getMessage()
    assert "Back it up onto another disk now" in told.getMessage()
    assert "reliability.md" in told.getMessage()
    marker = (tmp_path / f"dti.sqlite3{STOP_SUFFIX}").read_text()
    assert "dti.sqlite3-wal" in marker and "(Input/output error)" in marker


def stopped_by_a_failed_sync(database: ConnectionHandler, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit of `database` whose sync the disk fails, as `fdatasync` reports it."""
    with monkeypatch.context() as patched:
        patched.setattr(os, "fdatasync", disk_failing)
        with pytest.raises(OperationalError), transaction(database["default"]) as cursor:
            cursor.execute("INSERT INTO step VALUES (%s)", ["unsure"])


def refused_everywhere(database: ConnectionHandler) -> None:
    """No write goes through `database`'s connection, in a transaction or outside one;
    reads do."""
    wrapper = database["default"]
    begun: list[bool] = []

    def written() -> None:
        with transaction(wrapper) as cursor:
            begun.append(True)  # refused as it begins: nothing of it is done
            cursor.execute("INSERT INTO step VALUES (%s)", ["in a transaction"])

    with pytest.raises(OperationalError, match=r"unsynced: writes stopped: the disk did not"):
        written()
    assert begun == []
    with pytest.raises(OperationalError, match="readonly"), wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["alone"])
    assert steps(database) == ["unsure"]


def test_a_sync_that_fails_stops_the_databases_writes_in_every_process_reads_go_on(
    open_database, tmp_path, monkeypatch
):
    """Linux counts pages it failed to write as written: a later commit would be synced and
    acknowledged over the gap, and lost with it (docs/decisions.md, 38). So nothing more is
    written: not on the failed connection, nor on another, nor in another process, which
    finds the marker beside the database."""

    database = open_database(WAIT_S)
    stopped_by_a_failed_sync(database, monkeypatch)
    refused_everywhere(database)
    refused_everywhere(open_database(WAIT_S))  # another connection of this process
    monkeypatch.setattr(base, "_stopped", {})  # another process: only the marker to go by
    refused_everywhere(open_database(WAIT_S))
    assert not turn_taken(tmp_path)
    assert database["default"].writes_stopped().startswith(str(tmp_path))


def test_a_transaction_that_would_commit_after_the_stop_is_rolled_back(
    open_database, tmp_path, monkeypatch
):
    """Stopped by another process while it wrote: the commit, not yet made, is not made."""
    database = open_database(WAIT_S)
    wrapper = database["default"]
    synced = syncs(monkeypatch, tmp_path)
    marker = tmp_path / f"dti.sqlite3{STOP_SUFFIX}"

    def written() -> None:
        with transaction(wrapper) as cursor:
            cursor.execute("INSERT INTO step VALUES (%s)", ["late"])
            marker.write_text("the disk did not write dti.sqlite3-wal (Input/output error)\n")

    with pytest.raises(OperationalError, match="writes stopped: the disk did not write"):
        written()
    assert synced == [] and not turn_taken(tmp_path) and synchronous(wrapper) == 2
    assert steps(database) == []


def test_the_failed_connection_takes_no_write_even_through_what_it_had_made_before(
    open_database, monkeypatch
):
    database = open_database(WAIT_S)
    wrapper = database["default"]
    with wrapper.cursor() as made_before:
        stopped_by_a_failed_sync(database, monkeypatch)
        with pytest.raises(OperationalError, match="readonly"):
            made_before.execute("INSERT INTO step VALUES (%s)", ["by a cursor kept"])
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        wrapper.connection.execute("INSERT INTO step VALUES ('by SQLite itself')")
    assert steps(database) == ["unsure"]


def test_a_commit_stopped_as_it_syncs_is_not_acknowledged(open_database, tmp_path, monkeypatch):
    """Stopped by another process between this commit and its sync: this commit may sit
    after what the disk did not write, so it is not answered as saved."""
    database = open_database(WAIT_S)
    marker = tmp_path / f"dti.sqlite3{STOP_SUFFIX}"
    sync = os.fdatasync

    def meanwhile(descriptor: int) -> None:
        marker.write_text("the disk did not write dti.sqlite3-wal (Input/output error)\n")
        sync(descriptor)

    monkeypatch.setattr(os, "fdatasync", meanwhile)
    with (
        pytest.raises(OperationalError, match="writes stopped: the disk did not write"),
        transaction(database["default"]) as cursor,
    ):
        cursor.execute("INSERT INTO step VALUES (%s)", ["unsure"])
    assert not turn_taken(tmp_path) and synchronous(database["default"]) == 2


def test_a_commit_by_hand_stopped_meanwhile_is_rolled_back_not_left_open(open_database, tmp_path):
    """Python's sqlite3 would commit a transaction left open when autocommit is set again."""
    database = open_database(WAIT_S)
    wrapper = database["default"]
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with wrapper.cursor() as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["by hand"])
    (tmp_path / f"dti.sqlite3{STOP_SUFFIX}").write_text("the disk did not write\n")
    with pytest.raises(OperationalError, match="writes stopped"):
        wrapper.commit()
    wrapper.set_autocommit(True)
    assert not turn_taken(tmp_path) and synchronous(wrapper) == 2
    assert steps(database) == []


def test_the_log_is_opened_with_the_connection_to_hear_of_any_failure_after(
    open_database, tmp_path
):
    """Linux tells a failure to write once to each descriptor open when it happened: one
    opened after SQLite's own (a checkpoint's sync, whose error SQLite sets aside) was told
    would never be."""
    database = open_database(WAIT_S)
    database["default"].close()
    database["default"].ensure_connection()  # the log exists: a connection opens, no commit
    log = database["default"]._log
    assert log is not None and log.descriptor is not None
    assert os.path.realpath(f"/proc/self/fd/{log.descriptor}") == log_of(tmp_path)


def test_a_log_that_cannot_be_opened_at_a_sync_fails_the_commit_but_stops_nothing(
    open_database, tmp_path, monkeypatch
):
    """Too many files open is not the disk failing to write: the next sync covers it."""
    database = open_database(WAIT_S)
    wrapper = database["default"]
    wrapper.ensure_connection()
    wrapper._log.close()  # as where the log did not exist yet when it connected
    opened = os.open

    def refused(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("-wal"):
            raise OSError(24, "Too many open files")
        return opened(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refused)
    with (
        pytest.raises(OperationalError, match="Too many open files"),
        transaction(wrapper) as cursor,
    ):
        cursor.execute("INSERT INTO step VALUES (%s)", ["unsynced"])
    monkeypatch.setattr(os, "open", opened)
    assert wrapper.writes_stopped() is None
    assert not (tmp_path / f"dti.sqlite3{STOP_SUFFIX}").exists()
    with transaction(wrapper) as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["synced"])
    assert steps(database) == ["unsynced", "synced"]


def test_a_marker_is_read_as_a_stop_but_never_through_a_link_or_as_more_than_a_line(
    open_database, tmp_path
):
    database = open_database(WAIT_S)
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2\n")
    marker = tmp_path / f"dti.sqlite3{STOP_SUFFIX}"
    marker.symlink_to(secret)
    said = database["default"].writes_stopped()
    assert said is not None and "hunter2" not in said
    assert said.endswith("writes stopped: (Too many levels of symbolic links)")
    marker.unlink()
    base._stopped.clear()
    os.mkfifo(marker)  # read without waiting for a writer that never comes
    assert database["default"].writes_stopped().endswith("writes stopped: (not a file)")
    marker.unlink()
    base._stopped.clear()
    marker.write_text("")  # being written: a stop, its reason read once written
    assert database["default"].writes_stopped().endswith("writes stopped")
    marker.write_text("the disk did not write\nFAKE LOG LINE\x1b[31m" + "x" * 5000)
    base._stopped.clear()
    said = database["default"].writes_stopped()
    assert said is not None and "\n" not in said and "\x1b" not in said
    assert "did not write FAKE LOG LINE" in said and len(said) < 1000 + len(str(marker)) + 20


def test_a_database_whose_writes_go_on_says_nothing_stopped(open_database, tmp_path):
    database = open_database(WAIT_S)
    with transaction(database["default"]) as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["saved"])
    assert database["default"].writes_stopped() is None
    assert not (tmp_path / f"dti.sqlite3{STOP_SUFFIX}").exists()


def test_a_begin_that_fails_gives_the_turn_back_and_tells_sqlite_full_again(
    open_database, tmp_path
):
    database = open_database(0.2)
    wrapper = database["default"]
    wrapper.ensure_connection()
    other = sqlite3.connect(tmp_path / "dti.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # SQLite's own write lock, taken outside the queue
    try:
        with pytest.raises(OperationalError, match="locked"), transaction(wrapper) as cursor:
            cursor.execute("INSERT INTO step VALUES (%s)", ["refused"])
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not turn_taken(tmp_path) and synchronous(wrapper) == 2


def test_a_connection_sqlite_will_not_tell_full_again_is_closed_and_opened_anew(
    open_database, tmp_path, monkeypatch
):
    """Left NORMAL, a single write outside a transaction would not be synced: Django closes
    the connection at the end of the request, or before the next one uses it."""

    database = open_database(WAIT_S)
    wrapper = database["default"]
    restore = base._Log.restore
    refusals = iter([sqlite3.OperationalError("disk I/O error")])

    def refused(log: Any, connection: Any) -> None:
        error = next(refusals, None)
        if error is not None:
            raise error
        restore(log, connection)

    monkeypatch.setattr(base._Log, "restore", refused)
    with transaction(wrapper) as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["saved"])
    assert synchronous(wrapper) == 1 and not wrapper.is_usable()
    wrapper.close_if_unusable_or_obsolete()
    assert wrapper.connection is None
    assert steps(database) == ["saved"] and synchronous(wrapper) == 2


@pytest.mark.parametrize(
    ("pragmas", "level"),
    [
        ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", 1),  # told not to wait
        ("PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;", 2),  # no log to sync
    ],
)
def test_a_database_told_otherwise_is_synced_as_sqlite_syncs_it(
    open_database, tmp_path, monkeypatch, pragmas, level
):
    database = open_database(WAIT_S)
    database.close_all()
    settings = database_from_url("sqlite:///dti.sqlite3", tmp_path)
    settings["OPTIONS"]["init_command"] = pragmas  # type: ignore[index]  # the settings' dict
    database = ConnectionHandler({"default": settings})
    wrapper = database["default"]
    synced = syncs(monkeypatch, tmp_path)
    try:
        with transaction(wrapper) as cursor:
            cursor.execute("INSERT INTO step VALUES (%s)", ["saved"])
            assert synchronous(wrapper) == level
        assert synced == [] and synchronous(wrapper) == level
    finally:
        database.close_all()


@pytest.mark.parametrize(
    ("told", "portal_syncs"),
    [
        (3, True),  # EXTRA: deferred as FULL is, and told EXTRA again
        (1, False),  # NORMAL: a command that chooses speed over a power cut keeps it
    ],
)
def test_a_connection_told_another_level_after_it_opened_keeps_it(
    open_database, tmp_path, monkeypatch, told, portal_syncs
):
    database = open_database(WAIT_S)
    wrapper = database["default"]
    synced = syncs(monkeypatch, tmp_path)
    with wrapper.cursor() as cursor:
        cursor.execute(f"PRAGMA synchronous={told:d}")
    with transaction(wrapper) as cursor:
        cursor.execute("INSERT INTO step VALUES (%s)", ["saved"])
        assert synchronous(wrapper) == 1
    assert synced == ([(log_of(tmp_path), False)] if portal_syncs else [])
    assert synchronous(wrapper) == told
