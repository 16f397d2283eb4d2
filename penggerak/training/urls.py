from django.urls import path

from penggerak.training import views

app_name = "training"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("hari-ini/", views.events_today, name="events_today"),
    path("saya/", views.my_trainings, name="my_trainings"),
    path("acara/baru/", views.event_create, name="event_create"),
    path("acara/<int:pk>/", views.event_detail, name="event_detail"),
    path("acara/<int:pk>/daftar/", views.event_register, name="event_register"),
    path("acara/<int:pk>/batal-daftar/", views.event_unregister, name="event_unregister"),
    path("acara/<int:pk>/daftarkan/", views.event_register_member, name="event_register_member"),
    path("acara/<int:pk>/batalkan/", views.event_cancel, name="event_cancel"),
    path("acara/<int:pk>/sertifikat/", views.event_certificates, name="event_certificates"),
    path("acara/<int:pk>/presensi/", views.event_checkin, name="event_checkin"),
    path("kursus/", views.course_list, name="course_list"),
    path("kursus/baru/", views.course_create, name="course_create"),
    path("kursus/<int:pk>/", views.course_detail, name="course_detail"),
    path("kartu/", views.own_card, name="own_card"),
    path("kartu/<int:member_id>/", views.member_card, name="member_card"),
    path("kartu/<int:member_id>/pdf/", views.member_card_pdf, name="member_card_pdf"),
    path("sertifikat/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("sertifikat/<str:code>/cabut/", views.certificate_revoke, name="certificate_revoke"),
    path("sertifikat/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
