"""The secretariat's back office for curricula; events and attendance are read-only here
(they change only through the services, which keep capacity and the journey right)."""

from django.contrib import admin

from penggerak.accounts.admin_base import NationalConfigMixin, SecretariatOnlyMixin
from penggerak.training.models import Certificate, Course, Event, Module
from penggerak.training.selectors import events_visible_to


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 1


@admin.register(Course)
class CourseAdmin(NationalConfigMixin, admin.ModelAdmin):
    """One national curriculum: the national secretariat edits it (audited by the mixin)."""

    list_display = ("title", "partner", "counts_for_step", "active")
    list_filter = ("active",)
    search_fields = ("title",)
    raw_id_fields = ("partner",)
    inlines = [ModuleInline]


@admin.register(Event)
class EventAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ("course", "community", "starts_at", "capacity", "seats_taken", "status")
    list_filter = ("status", "is_open")
    date_hierarchy = "starts_at"
    raw_id_fields = ("course", "community", "partner")
    show_full_result_count = False

    def get_queryset(self, request):
        # The same scope as the pages, without the open events a coordinator may join.
        return events_visible_to(request.user).order_by("-starts_at")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "holder_name", "course_title", "issued_at", "revoked_at")
    search_fields = ("code",)
    show_full_result_count = False

    def get_queryset(self, request):
        return Certificate.objects.filter(event__in=events_visible_to(request.user))

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
