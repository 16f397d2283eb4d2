"""Login and logout pages.

Self-registration creates a member, which is the registry's business; accounts sits below the
registry in the import contract, so that page lives in ``registry.views`` (``/daftar/``).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.views.generic import RedirectView

from penggerak.accounts.forms import LoginForm

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = auth_views.LogoutView.as_view()

# A URL name, not an import: links to "accounts:signup" keep working without accounts
# depending on the registry.
signup = RedirectView.as_view(pattern_name="registry:signup", permanent=False)
