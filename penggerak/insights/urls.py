from django.urls import path

from penggerak.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.national, name="national"),
    path("provinsi/<str:code>/", views.province, name="province"),
]
