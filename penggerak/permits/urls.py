from django.urls import path

from penggerak.permits import views

app_name = "permits"

urlpatterns = [
    path("", views.index, name="index"),
    path("usaha/<int:business_id>/", views.business_permits, name="business_permits"),
    path("usaha/<int:business_id>/izin/baru/", views.permit_create, name="permit_create"),
    path("izin/<int:pk>/", views.permit_edit, name="permit_edit"),
    path("izin/<int:pk>/dokumen/", views.permit_document, name="permit_document"),
    path(
        "usaha/<int:business_id>/daftar-periksa/<slug:code>/",
        views.checklist_fill,
        name="checklist_fill",
    ),
    path(
        "usaha/<int:business_id>/daftar-periksa/<slug:code>/riwayat/",
        views.checklist_history,
        name="checklist_history",
    ),
]
