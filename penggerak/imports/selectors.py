"""Reads for page imports, always by actor: the uploader and the secretariat see a run."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.core.errors import NotFound
from penggerak.imports.models import ImportRun


def import_runs_visible_to(actor: Any) -> QuerySet[ImportRun]:
    """Runs the actor may open with their files: their own, and for the secretariat those of
    the communities in its scope (a communities import, which has no community, is the
    national secretariat's besides its starter's)."""
    qs = ImportRun.objects.select_related("community", "actor")
    if not access.is_signed_in(actor):
        return qs.none()
    own = Q(actor=actor)
    if access.is_national_secretariat(actor):
        return qs
    province = access.secretariat_province(actor)
    if province is not None:
        return qs.filter(own | Q(community__regency__code__startswith=province + "."))
    return qs.filter(own)


def import_run_get(*, actor: Any, run_id: int) -> ImportRun:
    run = import_runs_visible_to(actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("Impor tidak ditemukan."))
    return run
