"""The secretariat's back office for curricula; events and attendance are read-only here
(they change only through the services, which keep capacity and the journey right)."""

from django.contrib import admin

from penggerak.core.audit import audit_record
from penggerak.core.models import AuditEvent
from penggerak.training.models import Certificate, Course, Event, Module


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 1


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "partner", "counts_for_step", "active")
    list_filter = ("active",)
    search_fields = ("title",)
    raw_id_fields = ("partner",)
    inlines = [ModuleInline]

    def save_model(self, request, obj, form, change):
        # Courses carry no personal data or counters; the admin edit is audited like a service.
        super().save_model(request, obj, form, change)
        action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
        audit_record(actor=request.user, action=action, obj=obj, changes={"title": obj.title})


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("course", "community", "starts_at", "capacity", "seats_taken", "status")
    list_filter = ("status", "is_open")
    date_hierarchy = "starts_at"
    raw_id_fields = ("course", "community", "partner")
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("code", "holder_name", "course_title", "issued_at", "revoked_at")
    search_fields = ("code",)
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
