"""Back-office views of logins and API tokens: the national secretariat only.

A provincial secretariat that could open these pages could set the national account's
password, give itself the whole nation or tick superuser; ``access.may_administer_accounts``
keeps them to the national secretariat. Superuser, groups and model permissions are changed
only by a superuser. Every change is audited (``SecretariatOnlyMixin``).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import access
from penggerak.accounts.admin_base import SecretariatOnlyMixin
from penggerak.accounts.models import ApiToken, User

# Roles decide; Django's groups are not used, and an admin page for them would be a second,
# unaudited way to hand out model permissions.
admin.site.unregister(Group)


class AccountsAdminMixin(SecretariatOnlyMixin):
    def has_module_permission(self, request):
        return access.may_administer_accounts(request.user)


@admin.register(User)
class UserAdmin(AccountsAdminMixin, DjangoUserAdmin):
    list_display = ["username", "first_name", "role", "province", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "last_name", "phone"]
    raw_id_fields = ["province"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Peran di Penggerak"), {"fields": ("role", "province", "phone")}),
    )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not access.may_grant_superuser(request.user):
            readonly += ["is_superuser", "groups", "user_permissions"]
            if obj is not None and obj.is_superuser:
                # A superuser's login is changed by a superuser only.
                readonly += ["username", "is_staff", "is_active", "role", "province"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        # The password form of a superuser's login is a superuser's to use.
        return obj is None or not obj.is_superuser or access.may_grant_superuser(request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(AccountsAdminMixin, admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at"]
    readonly_fields = ["prefix", "user", "created_at", "last_used_at"]
    exclude = ["digest", "password_fingerprint"]

    def has_add_permission(self, request):
        # Tokens are issued through POST /api/v1/auth/token, which shows the secret once.
        return False
