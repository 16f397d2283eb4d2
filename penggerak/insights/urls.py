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
