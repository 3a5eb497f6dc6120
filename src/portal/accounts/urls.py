from django.urls import path

from portal.accounts import second_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
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
