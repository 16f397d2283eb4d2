"""Back-office views of logins and API tokens (secretariat only)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from penggerak.accounts.models import ApiToken, User
from penggerak.core.admin import SecretariatOnlyMixin


@admin.register(User)
class UserAdmin(SecretariatOnlyMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "province", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    raw_id_fields = ["province"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Peran di Penggerak"), {"fields": ("role", "province", "phone")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(SecretariatOnlyMixin, admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["prefix", "user", "created_at", "last_used_at"]
    exclude = ["digest"]

    def has_add_permission(self, request):
        # Tokens are issued through POST /api/v1/auth/token, which shows the secret once.
        return False
