from django.urls import path

from penggerak.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.national, name="national"),
    path("provinsi/<str:code>/", views.province, name="province"),
    path("kabupaten/<str:code>/", views.regency, name="regency"),
    path("komunitas/<slug:slug>/", views.community, name="community"),
    path("csv/<str:table>/", views.national_csv, name="national_csv"),
    path("provinsi/<str:code>/csv/<str:table>/", views.province_csv, name="province_csv"),
    path("kabupaten/<str:code>/csv/<str:table>/", views.regency_csv, name="regency_csv"),
    path("komunitas/<slug:slug>/csv/<str:table>/", views.community_csv, name="community_csv"),
]

from penggerak.insights import report_views  # noqa: E402  (report pages, kept apart from views)

urlpatterns += [
    path("laporan/", report_views.reports_page, name="reports"),
    path("laporan/jadwal/", report_views.schedule, name="report_schedule"),
    path("laporan/<int:pk>/<str:kind>/", report_views.download, name="report_download"),
    path("populasi-umkm/", report_views.umkm_population, name="umkm_population"),
    path("mitra/", report_views.partners, name="partners"),
    path("mitra/<int:pk>/", report_views.partner_detail, name="partner_detail"),
]
