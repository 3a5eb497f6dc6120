"""Reading settings from environment variables: every value is checked, and a bad one stops
the portal at start with the variable's name and what it accepts."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_address(name: str) -> tuple[str, int]:
    """`host:port` (`[::1]:3310` for IPv6) as (host, port); ("", 0) when unset or empty."""
    raw = os.environ.get(name, "")
    if not raw:
        return "", 0
    host, _, port = raw.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected host:port")
    return host, int(port)


def env_path(name: str, default: Path) -> Path:
    return Path(os.environ.get(name, str(default))).expanduser().resolve()


def database_from_url(url: str, base_dir: Path) -> dict[str, object]:
    """`sqlite:///var/dti.sqlite3` (relative to the project), `sqlite:////srv/dti.sqlite3`
    (absolute), or `postgresql://user:password@host:port/name`."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        raw = unquote(parsed.path)
        path = Path("/" + raw.lstrip("/")) if raw.startswith("//") else base_dir / raw.lstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        return {
            # Django's SQLite, each transaction that writes waiting its turn (portal.sqlite)
            "ENGINE": "portal.sqlite",
            "NAME": str(path),
            # WAL lets readers go on while a unit saves; a write outside a transaction that
            # finds the database busy waits up to `timeout` seconds instead of failing.
            # FULL: a commit returns once the log is on the disk, so an acknowledged save
            # survives a power cut (its cost is measured in docs/performance-writes.md).
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # A connection kept by each server thread: opening one runs the pragmas above
            # on every request otherwise.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            # Django's, its parameters bound by the server (portal.postgresql)
            "ENGINE": "portal.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            # The planner's cost of reading a page out of order, against 1 in order: 4 by
            # default, a spinning disk's. The portal's tables are read from memory or an
            # SSD, where the two cost about the same; at 4 a save's update of its 80 answers
            # read all 12,000 of a province's rather than 80 by key (docs/decisions.md, 29).
            # Set for each connection, as it opens; a server setting of its own is kept for
            # everyone else.
            # Parameters sent apart from the statement (server-side binding), and a statement
            # kept prepared from its third run on the connection (after `prepare_threshold`
            # runs): parsed once, and planned once where a generic plan does. The portal's
            # requests run the same few statements over and over: a save cost the server
            # about 30 % less CPU, the portal 5–10 % (portal.postgresql; docs/decisions.md, 30).
            "OPTIONS": {
                "options": "-c random_page_cost=1.1",
                "server_side_binding": True,
                "prepare_threshold": 2,
            },
        }
    raise ImproperlyConfigured(
        f"DTI_DATABASE_URL={url!r}: expected sqlite:///FILE or postgresql://USER:PASSWORD@HOST:PORT/NAME"
    )
