"""Asking clamd (ClamAV's daemon) whether bytes carry a known virus, with its INSTREAM
command: `zINSTREAM\\0`, then the bytes in chunks each preceded by its length (4 bytes, big
endian), then a zero length; clamd answers `stream: OK`, `stream: <signature> FOUND` or
`<reason> ERROR`, ended by a NUL. Over a UNIX socket or TCP, with the standard library."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024
TIMEOUT = 30.0  # seconds: clamd scans 20 MB in well under that


class ScannerUnavailable(Exception):
    """clamd could not be reached, or answered something other than a verdict."""


@dataclass(frozen=True)
class Clamd:
    """Where clamd listens: a UNIX socket path, or a TCP host and port."""

    socket_path: str = ""
    host: str = ""
    port: int = 0
    timeout: float = TIMEOUT

    def scan(self, data: bytes) -> str | None:
        """The signature clamd found in `data`, or None when it is clean."""
        try:
            with self._connect() as connection:
                connection.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    connection.sendall(struct.pack("!L", len(chunk)) + chunk)
                connection.sendall(struct.pack("!L", 0))
                answer = _read_answer(connection)
        except OSError as error:
            raise ScannerUnavailable(f"clamd: {error}") from error
        return verdict(answer)

    def _connect(self) -> socket.socket:
        if self.socket_path:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(self.timeout)
            try:
                connection.connect(self.socket_path)
            except OSError:
                connection.close()
                raise
            return connection
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


def verdict(answer: str) -> str | None:
    """clamd's answer → the signature found, None for OK; anything else is unavailable."""
    text = answer.strip()
    if text.endswith(" OK"):
        return None
    if text.endswith(" FOUND"):
        return text.removeprefix("stream:").removesuffix(" FOUND").strip()
    raise ScannerUnavailable(f"clamd answered {text!r}")


def _read_answer(connection: socket.socket) -> str:
    received = b""
    while not received.endswith(b"\0"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        received += chunk
    return received.rstrip(b"\0").decode("utf-8", "replace")
