"""Writing the audit trail: one call per recorded action, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from penggerak.core.models import AuditEvent


def _actor_fields(actor: Any) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_label": "system"}
    return {"actor": actor, "actor_label": actor.get_username()}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None,
    object_type: str = "",
    reason: str = "",
    changes: dict | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj`` (a system actor when None).

    An action that found no object (a search without a match) passes ``obj=None`` and the
    ``object_type`` it was about; the event then has no object id.
    """
    return AuditEvent.objects.create(
        **_actor_fields(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason[:500],
        changes=changes or {},
    )


def audit_record_many(
    *, actor: Any, action: str, objects: Iterable[models.Model], reason: str = ""
) -> int:
    """Record one event per object in a single bulk insert (imports, demo data, exports)."""
    fields = _actor_fields(actor)
    events = [
        AuditEvent(
            **fields,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            reason=reason[:500],
        )
        for obj in objects
    ]
    AuditEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)
