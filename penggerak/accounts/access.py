"""Who may do what: the one module every interface asks.

Pages, the API, the admin, downloads, htmx partials, the CLI and jobs call these functions
instead of testing roles themselves, so a rule changes in one place and a provincial
secretariat is bound to its province everywhere. The actors:

- national secretariat: role ``secretariat`` (or a superuser) with no province;
- provincial secretariat: role ``secretariat`` bound to one province (``User.province``);
- coordinator: coordinates the communities in ``Community.coordinators``;
- partner staff: staff of a partner; sees aggregates and its programmes' consenting members;
- member: their own data;
- anonymous: public pages only.

Reads of personal data are further scoped by the selectors (``registry.selectors``), which
build on ``secretariat_province`` and ``coordinates`` here. A refusal that could reveal that
an object exists is a 404 (``NotFound``): "not yours" and "does not exist" look the same.
"""

from __future__ import annotations

from typing import Any

from penggerak.accounts.models import Role
from penggerak.core.errors import NotFound, PermissionDenied


def is_signed_in(actor: Any) -> bool:
    """An active, logged-in user (not an anonymous visitor, not a deactivated login)."""
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active)


def is_secretariat(actor: Any) -> bool:
    """National or provincial secretariat (a superuser counts as national)."""
    return is_signed_in(actor) and (actor.role == Role.SECRETARIAT or actor.is_superuser)


def is_national_secretariat(actor: Any) -> bool:
    return is_secretariat(actor) and not actor.province_id


def is_coordinator(actor: Any) -> bool:
    return is_signed_in(actor) and actor.role == Role.COORDINATOR


def is_partner_staff(actor: Any) -> bool:
    return is_signed_in(actor) and actor.role == Role.PARTNER


def is_member_user(actor: Any) -> bool:
    return is_signed_in(actor) and actor.role == Role.MEMBER


def secretariat_province(actor: Any) -> str | None:
    """The province code a provincial secretariat is bound to; None for everyone else."""
    return actor.province_id if is_secretariat(actor) and actor.province_id else None


def secretariat_covers(actor: Any, region_code: str | None) -> bool:
    """The actor is secretariat and its scope includes ``region_code`` (any level: Kemendagri
    codes nest, ``32`` ⊃ ``32.73`` ⊃ ``32.73.01``). A national secretariat covers everything,
    also what has no region; a provincial one only codes inside its province."""
    if not is_secretariat(actor):
        return False
    province = actor.province_id
    if not province:
        return True
    if not region_code:
        return False
    return region_code == province or region_code.startswith(province + ".")


def coordinates(actor: Any, community: Any) -> bool:
    """The actor is a coordinator of ``community``."""
    return (
        is_coordinator(actor)
        and community is not None
        and community.coordinators.filter(pk=actor.pk).exists()
    )


def may_manage_community(actor: Any, community: Any) -> bool:
    """Runs the community's work (members, trainings, mentors, imports): its coordinators and
    the secretariat whose scope covers the community's regency."""
    if community is None:
        return False
    return secretariat_covers(actor, community.regency_id) or coordinates(actor, community)


# --- Back office and accounts --------------------------------------------------------------


def may_use_back_office(actor: Any) -> bool:
    """The Django admin: the secretariat only (its lists are scoped like every page)."""
    return is_secretariat(actor)


def may_administer_accounts(actor: Any) -> bool:
    """Logins, roles and API tokens of others: the national secretariat only. A provincial
    secretariat setting the national account's password would take the whole platform."""
    return is_national_secretariat(actor)


def may_grant_superuser(actor: Any) -> bool:
    return is_signed_in(actor) and actor.is_superuser


def may_change_national_config(actor: Any) -> bool:
    """Curricula, step rules, permit requirements, checklists, the as-of date: one national
    configuration, changed by the national secretariat; a provincial one reads it."""
    return is_national_secretariat(actor)


# --- Imports, exports, files ----------------------------------------------------------------


def may_import_members(actor: Any) -> bool:
    return is_secretariat(actor) or is_coordinator(actor)


def may_import_communities(actor: Any) -> bool:
    return is_secretariat(actor)


def may_export_members(actor: Any) -> bool:
    return is_secretariat(actor) or is_coordinator(actor)


def may_unmask_nik(actor: Any) -> bool:
    """Full NIKs (reveal, unmasked export): the secretariat only, with a logged reason."""
    return is_secretariat(actor)


def may_see_run(actor: Any, *, started_by_id: int | None, region_code: str | None) -> bool:
    """A job run (import, export, report) and its files: the person who started it, and the
    secretariat whose scope covers the run's region (``None``: national, e.g. a communities
    import or an export across provinces: the national secretariat only)."""
    if not is_signed_in(actor):
        return False
    if started_by_id is not None and started_by_id == actor.pk:
        return True
    return secretariat_covers(actor, region_code)


# --- Helpers for views and services -----------------------------------------------------------


def require(allowed: bool, message: Any = None) -> None:
    """Raise ``NotFound`` unless ``allowed``: the refusal looks like a missing object."""
    if not allowed:
        raise NotFound(message) if message is not None else NotFound()


def ensure(allowed: bool, message: Any = None) -> None:
    """Raise ``PermissionDenied`` (403) unless ``allowed``: for an action on an object the
    actor may already see, where saying "not allowed" reveals nothing."""
    if not allowed:
        raise PermissionDenied(message) if message is not None else PermissionDenied()
