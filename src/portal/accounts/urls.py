from django.urls import path

from portal.accounts import pages, second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("ho-so/", views.profile, name="profile"),
    path("nguoi-dung/", pages.people, name="people"),
    path("nguoi-dung/vai-tro/", pages.people_roles, name="people_roles"),
    path("nguoi-dung/them/", pages.person_create, name="person_create"),
    path("nguoi-dung/nhap/", pages.people_import, name="people_import"),
    path("nguoi-dung/nhap/mau.xlsx", pages.people_template, name="people_template"),
    path("nguoi-dung/<int:pk>/", pages.person, name="person"),
    path("nguoi-dung/<int:pk>/vai-tro/", pages.person_role_assign, name="person_role_assign"),
    path(
        "nguoi-dung/<int:pk>/vai-tro/<int:membership_id>/thu-hoi/",
        pages.person_role_withdraw,
        name="person_role_withdraw",
    ),
    path("nguoi-dung/<int:pk>/trang-thai/", pages.person_activity, name="person_activity"),
    path("nguoi-dung/<int:pk>/moi-lai/", pages.person_invite, name="person_invite"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("xac-thuc/", second_factor_views.second_factor_verify, name="second_factor_verify"),
    path("xac-thuc/dang-ky/", second_factor_views.second_factor_enrol, name="second_factor_enrol"),
    path(
        "xac-thuc/ma-khoi-phuc/",
        second_factor_views.recovery_codes_renew,
        name="recovery_codes_renew",
    ),
    path("mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "quen-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
