"""A tiny clamd for the tests: a thread answering the INSTREAM command on a real socket with
real protocol bytes. It finds the EICAR test signature as ClamAV does (by its fixed string)
and records what it received. Debian's clamav-daemon would need a signature download, which
the test machines cannot make; the protocol is what our client must get right."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# The EICAR anti-virus test file: harmless, and detected by every scanner by design.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd:
    def __init__(self, listener: socket.socket, answer: bytes | None) -> None:
        self.listener, self.answer = listener, answer
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed: the test is over
            with connection:
                self._answer(connection.makefile("rb"), connection)

    def _answer(self, stream, connection: socket.socket) -> None:  # type: ignore[no-untyped-def]
        self.commands.append(stream.read(len(b"zINSTREAM\0")))
        data = b""
        while True:
            (length,) = struct.unpack("!L", stream.read(4))
            if length == 0:
                break
            data += stream.read(length)
        self.received.append(data)
        if self.answer is not None:
            connection.sendall(self.answer)
        elif EICAR in data:
            connection.sendall(b"stream: Eicar-Test-Signature FOUND\0")
        else:
            connection.sendall(b"stream: OK\0")


@contextmanager
def fake_clamd(socket_path: Path, answer: bytes | None = None) -> Iterator[FakeClamd]:
    """clamd listening on the UNIX socket `socket_path` until the block ends; `answer` forces
    one reply (an ERROR, say) instead of scanning."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(socket_path))
    listener.listen()
    server = FakeClamd(listener, answer)
    server.thread.start()
    try:
        yield server
    finally:
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        server.thread.join(timeout=5)


@contextmanager
def fake_clamd_tcp() -> Iterator[tuple[FakeClamd, int]]:
    """The same on 127.0.0.1, on a free port: (server, port)."""
    listener = socket.create_server(("127.0.0.1", 0))
    server = FakeClamd(listener, None)
    server.thread.start()
    try:
        yield server, listener.getsockname()[1]
    finally:
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        server.thread.join(timeout=5)
