"""For the writes that do their work before they lock: run something once between the
preparation, done without the lock, and the transaction (a unit's answers, the scoring
sheet, the replies); or see that some work ran before any transaction opened (a trust
root read, a workbook parsed)."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest


def meanwhile(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str, act: Callable[[], Any]
) -> list[bool]:
    """Run `act` once, right after the first call of `module.name` (the save's preparation);
    the list says, for every preparation, whether it ran under the lock (any call after the
    first: the save prepared again)."""
    prepare, calls, acting = getattr(module, name), [], []

    def prepared(*args: Any, **kwargs: Any) -> Any:
        if acting:  # a save made by `act` itself
            return prepare(*args, **kwargs)
        locked = bool(calls)
        calls.append(locked)
        result = prepare(*args, **kwargs)
        if not locked:
            acting.append(True)
            act()
            acting.clear()
        return result

    monkeypatch.setattr(module, name, prepared)
    return calls


def in_transaction(monkeypatch: pytest.MonkeyPatch, module: ModuleType, name: str) -> list[bool]:
    """For work that must run before its transaction opens (on SQLite a transaction holds the
    database's one write lock from its start): the list says, for every call of
    `module.name`, whether a transaction was open. Meaningful with real transactions
    (`django_db(transaction=True)`): a test's own transaction is open otherwise."""
    from django.db import connection

    work, seen = getattr(module, name), []

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(connection.in_atomic_block)
        return work(*args, **kwargs)

    monkeypatch.setattr(module, name, watched)
    return seen
