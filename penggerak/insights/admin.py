"""Back office: the as-of date and the targets, written through the insights services."""

from django.contrib import admin

from penggerak.accounts.admin_base import NationalConfigMixin, SecretariatOnlyMixin
from penggerak.insights import reports, selectors, services
from penggerak.insights.models import InsightSettings, ReportSchedule, Target, UmkmPopulation


@admin.register(InsightSettings)
class InsightSettingsAdmin(NationalConfigMixin, admin.ModelAdmin):
    """The platform's as-of date (empty: today); PENGGERAK_AS_OF overrides it."""

    list_display = ["as_of", "updated_at"]
    fields = ["as_of"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not InsightSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = services.as_of_set(actor=request.user, as_of=obj.as_of)
        obj.pk = saved.pk


@admin.register(Target)
class TargetAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    """Targets per scope and metric; set through ``target_set`` (validated, audited)."""

    list_display = ["scope", "metric", "value", "deadline", "split_key", "parent"]
    list_filter = ["metric"]
    search_fields = ["scope"]
    fields = ["metric", "scope", "value", "deadline"]
    show_full_result_count = False

    def get_queryset(self, request):
        return selectors.targets_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        saved = services.target_set(
            actor=request.user,
            metric=obj.metric,
            scope=obj.scope,
            value=obj.value,
            deadline=obj.deadline,
        )
        obj.pk = saved.pk


@admin.register(ReportSchedule)
class ReportScheduleAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    """Monthly report schedules per scope; saved through ``report_schedule_set`` (scope
    checked, audited). A provincial secretariat sees its province's only."""

    list_display = ["scope", "scope_name", "active", "updated_at"]
    list_filter = ["active"]
    fields = ["scope", "active"]

    def get_queryset(self, request):
        return reports.report_schedules_for(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # switch it off instead: its past runs keep their link

    def save_model(self, request, obj, form, change):
        saved = services.report_schedule_set(actor=request.user, scope=obj.scope, active=obj.active)
        obj.pk = saved.pk


@admin.register(UmkmPopulation)
class UmkmPopulationAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    """UMKM per province or regency/city with its source (weights of the ``umkm`` cascade);
    saved through ``umkm_population_set``. A provincial secretariat sees its province's."""

    list_display = ["region", "value", "source", "updated_at"]
    search_fields = ["region__code", "region__name"]
    fields = ["region", "value", "source"]
    raw_id_fields = ["region"]

    def get_queryset(self, request):
        return selectors.umkm_population_visible_to(request.user)

    def save_model(self, request, obj, form, change):
        saved = services.umkm_population_set(
            actor=request.user, region_code=obj.region_id, value=obj.value, source=obj.source
        )
        obj.pk = saved.pk
