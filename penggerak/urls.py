from django.contrib import admin
from django.urls import include, path

from penggerak.api import api
from penggerak.registry import views as registry_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("akun/", include("penggerak.accounts.urls")),
    path("pelatihan/", include("penggerak.training.urls")),
    path("pendampingan/", include("penggerak.mentoring.urls")),
    path("perizinan/", include("penggerak.permits.urls")),
    path("dasbor/", include("penggerak.insights.urls")),
    path("impor/", include("penggerak.imports.urls")),
    # Un-namespaced, because LOGIN_REDIRECT_URL = "home"; the same view is "registry:home".
    path("", registry_views.home, name="home"),
    path("", include("penggerak.registry.urls")),
]
