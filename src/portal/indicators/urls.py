from django.urls import path

from portal.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("dot/<int:campaign_id>/", views.campaign, name="campaign"),
    path("dot/<int:campaign_id>/nhap/", views.upload, name="upload"),
    path("tinh/<int:province_id>/ma-truy-cap/", views.tokens, name="tokens"),
    path("tinh/<int:province_id>/ma-truy-cap/tao/", views.token_create, name="token_create"),
    path(
        "tinh/<int:province_id>/ma-truy-cap/<int:token_id>/thu-hoi/",
        views.token_revoke,
        name="token_revoke",
    ),
]
