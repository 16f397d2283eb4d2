"""Connect every metric's handlers to the registry signals they follow."""

from __future__ import annotations

from typing import Any

from penggerak.insights import rollups
from penggerak.insights.metrics import METRICS, Handler


def _receiver(code: str, handler: Handler):
    def receive(sender: Any, **kwargs: Any) -> None:
        deltas = handler(**kwargs)
        if deltas:
            rollups.apply(code, deltas)

    return receive


_CONNECTED: list = []  # strong references: Signal.connect keeps weak ones by default


def connect_all() -> None:
    """Called once from ``InsightsConfig.ready``."""
    if _CONNECTED:
        return
    for code, metric in METRICS.items():
        for signal, handler in metric.handlers:
            receiver = _receiver(code, handler)
            _CONNECTED.append(receiver)
            signal.connect(receiver, dispatch_uid=f"insights:{code}:{id(handler)}")
