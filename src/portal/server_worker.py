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

The worker's own loop is gunicorn's: this class stops and resumes listening around it, at the
top of each turn of the loop (`notify`) and as a request is handed to a thread
(`enqueue_req`), and wakes the loop when a thread finishes (`finish_request`), which may be
waiting for connections it does not listen to."""

from __future__ import annotations

import contextlib
import os
import selectors
from collections.abc import Callable
from socket import socket
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

__all__ = ["FreeThreadWorker"]


class FreeThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type information
    def init_process(self) -> None:
        self._listening = True
        self._acceptors: dict[socket, Callable[[socket], None]] = {}
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
        # a connection announced in the same turn as the request that took the last thread:
        # left in the kernel's queue for a free worker
        if self._listening:
            super().accept(server, listener)

    def enqueue_req(self, conn: Any) -> None:
        super().enqueue_req(conn)
        self._listen_while_free()

    def finish_request(self, fs: Any) -> None:
        super().finish_request(fs)
        with contextlib.suppress(BlockingIOError):  # the pipe is full: woken already
            os.write(self._wake_write, b"\0")

    def _woken(self, _pipe: int) -> None:
        with contextlib.suppress(BlockingIOError):  # emptied
            while os.read(self._wake_read, 4096):
                pass

    def _listen_while_free(self) -> None:
        """Listen if a thread is free, stop if none is (gunicorn's loop, one thread)."""
        free = sum(1 for future in self.futures if not future.done()) < self.cfg.threads
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
