"""Forms for logging in and signing up; they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from penggerak.accounts import throttle
from penggerak.accounts.backends import find_login_user, login_is_locked
from penggerak.accounts.models import User


class LoginForm(AuthenticationForm):
    """Username for staff, phone number (any local form) for members."""

    username = forms.CharField(
        label=_("Nama pengguna atau nomor HP"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _("Nama pengguna/nomor HP atau kata sandi salah."),
        "inactive": _(
            "Akun Anda belum aktif. Koordinator komunitas akan menyetujui pendaftaran Anda."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if login_is_locked(username, throttle.client_address(self.request)):
            raise forms.ValidationError(throttle.locked_message(), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            # The backend refuses inactive users like wrong passwords. A self-registered member
            # waiting for approval who typed the right password deserves to know why; someone
            # without the password learns nothing new.
            pending = self._inactive_user_with_this_password()
            if pending is not None:
                raise forms.ValidationError(
                    self.error_messages["inactive"], code="inactive"
                ) from None
            raise

    def _inactive_user_with_this_password(self) -> User | None:
        password = self.cleaned_data.get("password") or ""
        user = find_login_user(self.cleaned_data.get("username") or "")
        if user is not None and not user.is_active and password and user.check_password(password):
            return user
        return None


class InvitationForm(forms.Form):
    """The invited coordinator's new password, twice (validated by the service)."""

    new_password1 = forms.CharField(
        label=_("Kata sandi baru"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("Kedua kata sandi tidak sama."))
        return data


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, Django's validators); the rules said in one plain line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _(
            "Minimal 8 karakter, jangan hanya angka, jangan mirip nama atau nomor HP Anda."
        )
