"""Reads for page imports, always by actor: the uploader and the secretariat see a run."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from penggerak.core.errors import NotFound
from penggerak.imports.models import ImportRun


def import_runs_visible_to(actor: Any) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.select_related("community", "actor")
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return qs.none()
    if actor.is_secretariat:
        return qs
    if actor.is_coordinator:
        return qs.filter(actor=actor)
    return qs.none()


def import_run_get(*, actor: Any, run_id: int) -> ImportRun:
    run = import_runs_visible_to(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Impor tidak ditemukan."))
    return run
