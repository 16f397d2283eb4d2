from django.urls import path

from penggerak.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login, name="login"),
    path("keluar/", views.logout, name="logout"),
    path("daftar/", views.signup, name="signup"),
    path("undangan/<str:uidb64>/<str:token>/", views.invitation, name="invitation"),
    path("kata-sandi/", views.password_change, name="password_change"),
    path("token/", views.token_list, name="token_list"),
    path("token/<int:token_id>/cabut/", views.token_revoke, name="token_revoke"),
]
