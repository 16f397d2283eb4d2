from django.urls import path

from penggerak.core.views import healthz
from penggerak.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("daftar/", views.signup, name="signup"),
    path("daftar/terkirim/", views.signup_done, name="signup_done"),
    path("anggota/", views.member_list, name="member_list"),
    path("anggota/baru/", views.member_create, name="member_create"),
    path("anggota/cari/", views.member_search, name="member_search"),
    path("anggota/<int:pk>/", views.member_detail, name="member_detail"),
    path("anggota/<int:pk>/ubah/", views.member_update, name="member_update"),
    path("anggota/<int:pk>/pindah/", views.member_transfer, name="member_transfer"),
    path("anggota/<int:pk>/tahap/", views.member_step_mark, name="member_step_mark"),
    path("anggota/<int:pk>/setujui/", views.member_approve, name="member_approve"),
    path("anggota/<int:pk>/nik/", views.member_reveal_nik, name="member_reveal_nik"),
    path("wilayah/pilih/", views.region_picker, name="region_picker"),
    path("komunitas/", views.community_list, name="community_list"),
    path("komunitas/<slug:slug>/", views.community_detail, name="community_detail"),
    path("mitra/", views.partner_list, name="partner_list"),
    path("mitra/<slug:slug>/", views.partner_detail, name="partner_detail"),
]
