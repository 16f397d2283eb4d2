"""The back office's shared rules: who opens an admin, and the audit of what it changes.

Every model admin of the project builds on ``SecretariatOnlyMixin``: the access module
decides who opens it, each admin scopes its list to the actor's province, and every add,
change and delete made here is written to the audit trail with the old and new values
(passwords and secrets named, never recorded).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from penggerak.accounts import access
from penggerak.core.audit import audit_record
from penggerak.core.models import AuditEvent

# Form fields whose values never go into the audit trail (only that they changed).
_SECRET_FIELDS = ("password", "digest", "token", "ciphertext", "nik")


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return str(value.pk)
    if isinstance(value, list | tuple | set | QuerySet):  # many-to-many: the chosen keys
        return ",".join(sorted(str(getattr(item, "pk", item)) for item in value))
    return str(value)


def form_changes(form) -> dict:
    """``{field: [old, new]}`` for the fields a submitted admin form changed; a secret field
    is named with its values blanked."""
    changes = {}
    for name in getattr(form, "changed_data", []):
        if any(secret in name for secret in _SECRET_FIELDS):
            changes[name] = ["***", "***"]
        else:
            changes[name] = [_shown(form.initial.get(name)), _shown(form.cleaned_data.get(name))]
    return changes


class SecretariatOnlyMixin:
    """Only the secretariat uses the back office; roles, not model permissions, decide.

    Every add, change and delete made through an admin built on this mixin is audited
    (``reason="admin"``), also where the save goes through a service that audits its own
    business event: the trail then says the back office was the door.
    """

    def has_module_permission(self, request):
        return access.may_use_back_office(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def construct_change_message(self, request, form, formsets, add=False):
        request._penggerak_admin_changes = form_changes(form)
        return super().construct_change_message(request, form, formsets, add)

    def _audit(self, request, obj, action: str) -> None:
        audit_record(
            actor=request.user,
            action=action,
            obj=obj,
            reason="admin",
            changes=getattr(request, "_penggerak_admin_changes", {}),
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, AuditEvent.Action.CREATE)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, AuditEvent.Action.UPDATE)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit_record(
                actor=request.user, action=AuditEvent.Action.DELETE, obj=obj, reason="admin"
            )
        return super().log_deletions(request, queryset)


class NationalConfigMixin(SecretariatOnlyMixin):
    """One national configuration: the national secretariat changes it, a provincial one
    reads it."""

    def has_change_permission(self, request, obj=None):
        return access.may_change_national_config(request.user)

    def has_add_permission(self, request):
        return access.may_change_national_config(request.user)


class ReadOnlyAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
