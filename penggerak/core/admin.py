"""Back-office views of regions and the audit trail (read-only)."""

from django.contrib import admin

from penggerak.core.models import AuditEvent, Region


class SecretariatOnlyMixin:
    """Only the secretariat uses the back office; roles, not model permissions, decide."""

    def has_module_permission(self, request):
        return request.user.is_authenticated and request.user.is_secretariat

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "postal_code", "is_current", "successor"]
    list_filter = ["level", "is_current"]
    search_fields = ["code", "search_name"]
    show_full_result_count = False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]
    show_full_result_count = False
