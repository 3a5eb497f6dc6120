"""SQLite's writers wait in turn (portal.sqlite): a transaction takes the lock on the file
beside the database before SQLite's own write lock and gives it back at its commit, its
rollback or its connection's close, so a writer waits for the one before it, in this process
or another, however long that one takes, instead of sleeping and retrying until SQLite's
busy timeout says "database is locked". The suite's own test database is a file and runs
every test through this backend; these tests hold the turn on purpose."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from portal.env import database_from_url
from portal.sqlite.base import QUEUE_SUFFIX

WAIT_S = 3  # how long a test waits for a thread that should finish


@pytest.fixture
def database(tmp_path, django_db_blocker) -> Iterator[ConnectionHandler]:
    """A SQLite file opened as the settings open it, SQLite's own timeout cut to 0.3 s: a
    writer that waited through SQLite's lock rather than the queue would fail."""
    settings = database_from_url("sqlite:///dti.sqlite3", tmp_path)
    settings["OPTIONS"]["timeout"] = 0.3  # type: ignore[index]  # the settings' dict
    handler = ConnectionHandler({"default": settings})
    with django_db_blocker.unblock():
        with handler["default"].cursor() as cursor:
            cursor.execute("CREATE TABLE step (name TEXT)")
        handler["default"].close()
        yield handler
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


def test_a_writer_waits_its_turn_however_long_the_one_before_takes(database):
    begun, go_on = threading.Event(), threading.Event()
    # held past SQLite's own 0.3 s
    first = inserting("first", then=lambda: (begun.set(), go_on.wait(WAIT_S)))
    one = in_thread(database, first)
    assert begun.wait(WAIT_S)
    two = in_thread(database, inserting("second"))
    two.join(1.0)  # three times SQLite's timeout: without the queue it has failed by now
    assert two.is_alive() and not two.errors  # type: ignore[attr-defined]
    go_on.set()
    assert finished(one) and finished(two)
    assert steps(database) == ["first", "second"]


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_transaction_rolled_back_or_closed_gives_the_turn_back(database, end):
    """The first connection stays open (rolled back) or is closed mid-transaction, as a
    server thread's is; the next writer goes on meanwhile."""
    ended, let_go = threading.Event(), threading.Event()

    def first(wrapper: Any) -> None:
        wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with wrapper.cursor() as cursor:
            cursor.execute("INSERT INTO step VALUES ('dropped')")
        if end == "rollback":
            wrapper.rollback()
            wrapper.set_autocommit(True)
        else:
            wrapper.close()
        ended.set()
        let_go.wait(WAIT_S)  # the connection kept open until the next writer is done

    one = in_thread(database, first)
    assert ended.wait(WAIT_S)
    two = in_thread(database, inserting("kept"))
    two.join(WAIT_S)
    went_on = not two.is_alive()  # while the first connection was still open
    let_go.set()  # let the first go, whatever happened
    assert finished(one) and finished(two)
    assert went_on and steps(database) == ["kept"]


def test_a_writer_of_another_process_is_waited_for_and_its_end_gives_the_turn_back(
    database, tmp_path
):
    """Another process (a server's worker, the task worker) holds the turn; it ends
    without giving it back, and the kernel gives it back for it."""
    holder = subprocess.Popen(  # this interpreter, a fixed program
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
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
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"

        waiting = in_thread(database, inserting("after"))
        waiting.join(1.0)
        assert waiting.is_alive() and steps(database) == []
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert finished(waiting)
        assert steps(database) == ["after"]
    finally:
        holder.kill()
        holder.wait()


def test_reads_outside_a_transaction_do_not_wait(database):
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
