"""Back office for the national secretariat: the permit requirements per sector and the
checklist templates. Permits themselves are read-only here: they change through the services
(pages, API), which validate numbers and status transitions and fire the journey rules."""

from django.contrib import admin

from penggerak.accounts.admin_base import NationalConfigMixin, SecretariatOnlyMixin
from penggerak.permits.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    Permit,
    PermitRequirement,
)
from penggerak.permits.selectors import permit_list


class _NationalConfig(NationalConfigMixin):
    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(PermitRequirement)
class PermitRequirementAdmin(_NationalConfig, admin.ModelAdmin):
    list_display = ["sector", "kind", "required", "note"]
    list_filter = ["sector", "kind", "required"]
    list_editable = ["required"]


class ChecklistSectionInline(admin.TabularInline):
    model = ChecklistSection
    extra = 0
    show_change_link = True


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(_NationalConfig, admin.ModelAdmin):
    list_display = ["code", "title", "ready_threshold", "almost_threshold", "active"]
    inlines = [ChecklistSectionInline]

    def has_delete_permission(self, request, obj=None):
        # Responses keep their template (history); switch a template off instead.
        return False


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(_NationalConfig, admin.ModelAdmin):
    list_display = ["title", "template", "order"]
    list_filter = ["template"]
    inlines = [ChecklistItemInline]


@admin.register(Permit)
class PermitAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ["business", "kind", "status", "number", "issued_on", "expires_on"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["business"]
    show_full_result_count = False
    exclude = ["document"]

    def get_queryset(self, request):
        return permit_list(actor=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
