from django.urls import path, re_path

from penggerak.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ulang/", views.rerun, name="rerun"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<name>laporan\.csv|laporan\.xlsx|berkas)$",
        views.download,
        name="download",
    ),
    re_path(r"^templat/(?P<kind>anggota|komunitas)\.xlsx$", views.template, name="template"),
    re_path(r"^ekspor/anggota\.(?P<fmt>csv|xlsx)$", views.export_members, name="export_members"),
    path("ekspor/<int:pk>/", views.export_detail, name="export_detail"),
    path("ekspor/<int:pk>/ulang/", views.export_rerun, name="export_rerun"),
    path("ekspor/<int:pk>/unduh", views.export_download, name="export_download"),
]
