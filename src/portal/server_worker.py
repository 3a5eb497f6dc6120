"""gunicorn's threaded worker, taking a new connection only while one of its threads is free.

gunicorn's `gthread` worker accepts every connection the kernel offers it, whether or not a
thread of its own is free, and queues it behind the ones it holds. Which worker gets a
connection is chance. Under a surge of saves one worker held twice as many connections as
another: its threads shared one core (the interpreter's lock lets one thread run Python at a
time) while the others ran out of work and left a core idle, and the saves it held waited two
or three times as long as the rest (docs/decisions.md, "Each request to a free thread, in
arrival order").

This worker listens only while one of its threads is free. A connection no worker can serve
now waits in the kernel's queue, which all the workers share and which hands connections out
in arrival order, until a thread is free in any worker. With keep-alive off
(deploy/gunicorn.conf.py: Caddy in front keeps the browser's connection open), each request
is a connection of its own: first come, first served, by whichever worker has a thread free.
A kept-alive connection, where keep-alive is on, stays with the worker that holds it, as in
`gthread`.

A thread counts as taken from the moment its connection is accepted: gunicorn hands a
connection to a thread only at the next turn of its loop, once the request has arrived, and
a worker that counted only the threads at work would take one connection more than it can
serve. A connection accepted that sends nothing for `SILENT_S` (which Caddy never does; a
browser's connection opened in advance may) no longer counts: it waits as in `gthread`,
without keeping the worker from taking others. A worker stopping (a restart after its
`max_requests`, a reload) takes no new connection.

The worker's own loop is gunicorn's: this class stops and resumes listening around it, at the
top of each turn of the loop (`notify`), as a connection is accepted (`accept`) and as a
request is handed to a thread (`enqueue_req`), and wakes the loop when a thread finishes
(`finish_request`), which may be waiting for connections it does not listen to."""

from __future__ import annotations

import contextlib
import os
import selectors
import time
from collections import deque
from collections.abc import Callable
from socket import socket
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

__all__ = ["FreeThreadWorker"]

# A connection accepted counts as taking a thread until its request is handed to one, or for
# this long if the request does not come.
SILENT_S = 1.0


class FreeThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type information
    def init_process(self) -> None:
        self._listening = True
        self._acceptors: dict[socket, Callable[[socket], None]] = {}
        # when each connection accepted and not yet handed to a thread was accepted
        self._accepted: deque[float] = deque()
        # a thread that finishes writes here: the loop, waiting on its sockets, wakes
        self._wake_read, self._wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        super().init_process()  # runs the worker (self.run) until it stops

    def run(self) -> None:
        self.poller.register(self._wake_read, selectors.EVENT_READ, self._woken)
        super().run()

    def notify(self) -> None:
        super().notify()  # the heartbeat, at the top of each turn of gunicorn's loop
        self._listen_while_free()

    def accept(self, server: Any, listener: socket) -> None:
        # a connection announced in the same turn as the one that took the last thread:
        # left in the kernel's queue for a free worker
        if not self._listening:
            return
        accepted = self.nr_conns
        super().accept(server, listener)
        if self.nr_conns > accepted:
            self._accepted.append(time.monotonic())
            self._listen_while_free()

    def enqueue_req(self, conn: Any) -> None:
        if not conn.initialized and self._accepted:  # a new connection's first request
            self._accepted.popleft()
        super().enqueue_req(conn)
        self._listen_while_free()

    def finish_request(self, fs: Any) -> None:
        try:
            super().finish_request(fs)
        finally:
            with contextlib.suppress(BlockingIOError):  # the pipe is full: woken already
                os.write(self._wake_write, b"\0")

    def _woken(self, _pipe: int) -> None:
        with contextlib.suppress(BlockingIOError):  # emptied
            while os.read(self._wake_read, 4096):
                pass

    def _listen_while_free(self) -> None:
        """Listen if a thread is free, stop if none is or the worker is stopping (gunicorn's
        loop, one thread)."""
        silent = time.monotonic() - SILENT_S
        while self._accepted and self._accepted[0] < silent:
            self._accepted.popleft()
        working = sum(1 for future in self.futures if not future.done())
        free = self.alive and working + len(self._accepted) < self.cfg.threads
        if free == self._listening:
            return
        with self._lock:
            for listener in self.sockets:
                if free:
                    acceptor = self._acceptors[listener]
                    self.poller.register(listener, selectors.EVENT_READ, acceptor)
                else:
                    self._acceptors[listener] = self.poller.get_key(listener).data
                    self.poller.unregister(listener)
        self._listening = free
