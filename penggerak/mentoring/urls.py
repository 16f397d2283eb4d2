from django.urls import path

from penggerak.mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("", views.mentor_list, name="mentor_list"),
    path("pendamping/baru/", views.mentor_create, name="mentor_create"),
    path("pendamping/<int:pk>/", views.mentor_detail, name="mentor_detail"),
    path("anggota/<int:pk>/", views.member_mentoring, name="member"),
    path("anggota/<int:pk>/tugaskan/", views.member_assign, name="member_assign"),
    path("anggota/<int:pk>/akhiri/", views.assignment_end, name="assignment_end"),
    path("langkah/<int:pk>/selesai/", views.next_action_done, name="next_action_done"),
    path("anggota/<int:pk>/sesi/", views.session_record, name="session_record"),
    path("binaan/", views.my_mentees, name="my_mentees"),
    path("macet/", views.stuck_list, name="stuck"),
    path("macet/pengaturan/", views.stuck_settings, name="stuck_settings"),
    path("perjalanan/", views.journeys, name="journeys"),
    path("perjalanan-saya/", views.my_journey, name="my_journey"),
    path("pemberitahuan/", views.inbox, name="inbox"),
    path("pemberitahuan/dibaca/", views.inbox_mark_read, name="inbox_mark_read"),
]
