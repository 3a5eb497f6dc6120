"""For the saves that prepare before they lock (a unit's answers, the scoring sheet): run
something once between the preparation, done without the lock, and the transaction."""

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
