"""Login and logout pages, the password change page and the API token list.

Self-registration creates a member, which is the registry's business; accounts sits below the
registry in the import contract, so that page lives in ``registry.views`` (``/daftar/``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView

from penggerak.accounts import selectors, services
from penggerak.accounts.forms import InvitationForm, LoginForm, OwnPasswordChangeForm
from penggerak.accounts.models import ApiToken
from penggerak.core.errors import DomainError
from penggerak.core.views import domain_errors_as_http, form_add_domain_error


class LoginView(auth_views.LoginView):
    """Django's login page; while the account or the address is locked it answers 429."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "locked"):
            response.status_code = 429
        return response


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, Django's validators, the session kept alive).
    The new password hash ends every API token issued before (see ApiToken)."""

    template_name = "accounts/password_change.html"
    form_class = OwnPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Kata sandi sudah diganti. Token API yang dibuat sebelumnya tidak berlaku lagi."),
        )
        return response


password_change = PasswordChangeView.as_view()

# A URL name, not an import: links to "accounts:signup" keep working without accounts
# depending on the registry.
signup = RedirectView.as_view(pattern_name="registry:signup", permanent=False)


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited coordinator sets a password; the login is then active and the link used."""
    from penggerak.accounts import services

    user = services.invitation_user(uidb64, token)
    if user is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
            )
        except DomainError as err:
            if err.code == "invitation_invalid":
                return render(request, "accounts/invitation_invalid.html", status=404)
            form_add_domain_error(form, err)
        else:
            messages.success(request, _("Kata sandi tersimpan. Silakan masuk."))
            return redirect("accounts:login")
    return render(request, "accounts/invitation.html", {"form": form, "invited": user})


@login_required
@never_cache
def token_list(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens, with a button to revoke each."""
    page = Paginator(selectors.api_token_list_for(actor=request.user), 25).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for row in page.object_list:
        row.state = row.state_at(now)
        row.state_label = ApiToken.State(row.state).label
    return render(request, "accounts/token_list.html", {"page": page})


@login_required
@require_POST
@domain_errors_as_http
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own tokens; another user's token is a 404."""
    services.api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("Token dicabut dan tidak dapat dipakai lagi."))
    return redirect("accounts:token_list")
