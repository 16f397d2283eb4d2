"""Login and logout pages.

Self-registration creates a member, which is the registry's business; accounts sits below the
registry in the import contract, so that page lives in ``registry.views`` (``/daftar/``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import RedirectView

from penggerak.accounts.forms import InvitationForm, LoginForm
from penggerak.core.errors import DomainError
from penggerak.core.views import form_add_domain_error

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()

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
