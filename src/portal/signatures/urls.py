from django.urls import path

from portal.signatures import views

app_name = "signatures"
urlpatterns = [
    path("", views.index, name="index"),
    path("tinh/<slug:province>/", views.province_page, name="province"),
    path("tinh/<slug:province>/cai-dat/", views.settings_save, name="settings"),
    path("tinh/<slug:province>/goc-tin-cay/them/", views.root_add, name="root_add"),
    path("tinh/<slug:province>/goc-tin-cay/<int:pk>/go/", views.root_remove, name="root_remove"),
    path(
        "tinh/<slug:province>/chung-thu/<int:pk>/xac-nhan/",
        views.identity_confirm,
        name="identity_confirm",
    ),
    path(
        "tinh/<slug:province>/chung-thu/<int:pk>/tu-choi/",
        views.identity_refuse,
        name="identity_refuse",
    ),
    path(
        "tinh/<slug:province>/chung-thu/<int:pk>/thu-hoi/",
        views.identity_revoke,
        name="identity_revoke",
    ),
]
