"""Forms for logging in and signing up; they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
        username = (self.cleaned_data.get("username") or "").strip()
        password = self.cleaned_data.get("password") or ""
        if not username or not password:
            return None
        user = User.objects.filter(username=username, is_active=False).first()
        if user is None:
            from penggerak.core.identity import validate_phone

            phone = validate_phone(username)
            if phone.valid:
                user = User.objects.filter(phone=phone.normalized, is_active=False).first()
        if user is not None and user.check_password(password):
            return user
        return None
