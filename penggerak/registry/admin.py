"""Django admin for the secretariat's back office.

Member rows come from ``registry.selectors.members_visible_to`` like every other interface, so
a provincial secretariat sees its province only. Identity fields are read-only and masked;
members are created and changed through the services (pages, API, import), which validate
and audit, so the admin offers them read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from penggerak.accounts.admin_base import NationalConfigMixin, ReadOnlyAdmin, SecretariatOnlyMixin
from penggerak.core.models import AuditEvent, Region
from penggerak.registry.models import (
    Agreement,
    Business,
    Community,
    Member,
    Partner,
    PartnerContact,
    StepRule,
)
from penggerak.registry.selectors import (
    agreements_visible_to,
    audit_events_visible_to,
    communities_visible_to,
    members_visible_to,
    partners_visible_to,
)
from penggerak.registry.services import community_create, partner_create


@admin.register(Community)
class CommunityAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "regency", "status", "member_count", "founded_on"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    readonly_fields = ["member_count"]
    raw_id_fields = ["regency"]
    show_full_result_count = False

    fields = ["name", "slug", "regency", "founded_on", "status", "member_count"]

    def get_queryset(self, request):
        return communities_visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        # Changes go through the services (pages, API), which validate and audit.
        return False

    def save_model(self, request, obj, form, change):
        created = community_create(
            actor=request.user,
            name=obj.name,
            regency_code=obj.regency_id,
            slug=obj.slug,
            founded_on=obj.founded_on,
            status=obj.status,
        )
        obj.pk = created.pk


class BusinessInline(admin.TabularInline):
    model = Business
    extra = 0
    can_delete = False
    fields = ["name", "sector", "kbli_code", "nib", "employees", "monthly_turnover", "size_class"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ["full_name", "nik_masked", "community", "status", "furthest_step", "joined_on"]
    list_filter = ["status", "furthest_step"]
    list_select_related = ["community"]
    # Prefix search on the indexed search column; "contains" would scan 2,000,000 rows.
    search_fields = ["search_name__startswith"]
    readonly_fields = [
        "full_name",
        "nik_masked",
        "birth_year",
        "sex",
        "phone",
        "email",
        "village",
        "region",
        "address",
        "community",
        "joined_on",
        "status",
        "consent_given_at",
        "consent_purpose",
        "consent_text_version",
        "furthest_step",
        "user",
    ]
    exclude = ["nik_digest", "nik_ciphertext", "birth_date"]
    inlines = [BusinessInline]
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request):
        return members_visible_to(request.user).select_related("community")

    @admin.display(description=_("tahun lahir"))
    def birth_year(self, obj):
        # Beside a masked NIK the full birth date would give back its digits 7-12.
        return obj.birth_date.year if obj.birth_date else "-"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PartnerContactInline(admin.TabularInline):
    model = PartnerContact
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AgreementInline(admin.StackedInline):
    model = Agreement
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "region"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    raw_id_fields = ["region"]
    fields = ["name", "slug", "kind", "region", "website"]
    inlines = [PartnerContactInline, AgreementInline]

    def get_queryset(self, request):
        return partners_visible_to(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = partner_create(
            actor=request.user,
            name=obj.name,
            kind=obj.kind,
            region_code=obj.region_id,
            website=obj.website,
            slug=obj.slug,
        )
        obj.pk = created.pk


@admin.register(Agreement)
class AgreementAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "partner", "title", "signed_on", "starts_on", "ends_on"]
    search_fields = ["number", "title", "partner__name"]
    list_select_related = ["partner"]

    def get_queryset(self, request):
        return agreements_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Penggerak — kantor sekretariat")
admin.site.site_title = _("Penggerak")


@admin.register(StepRule)
class StepRuleAdmin(NationalConfigMixin, admin.ModelAdmin):
    """The rules that complete each of the seven steps: the national secretariat tunes them
    (enable, thresholds such as ``{"min_attendances": 2}``); the seven rows are fixed."""

    list_display = ["step", "description", "enabled", "parameters"]
    fields = ["step", "description", "enabled", "parameters"]
    readonly_fields = ["step"]

    def has_add_permission(self, request):
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "postal_code", "is_current", "successor"]
    list_filter = ["level", "is_current"]
    search_fields = ["code", "search_name"]
    show_full_result_count = False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only; a provincial secretariat reads its province's part."""

    list_display = ["at", "actor_label", "action", "object_type", "object_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_label"]
    show_full_result_count = False

    def get_queryset(self, request):
        return audit_events_visible_to(request.user)
