from django.urls import path

from portal.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("tao/", views.create, name="create"),
    path("nhap-ket-qua-da-cong-bo/", views.historic_import, name="historic_import"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/khoi/", views.level_add, name="level_add"),
    path("<int:pk>/don-vi/", views.units_add, name="units_add"),
    path("<int:pk>/don-vi/<int:campaign_unit_pk>/bo/", views.unit_remove, name="unit_remove"),
    path("<int:pk>/gia-han/", views.extend, name="extend"),
    path("<int:pk>/vong-tham-dinh/", views.round_set, name="round_set"),
    path("<int:pk>/trang-thai/", views.transition, name="transition"),
    path("<int:pk>/bao-cao.<str:fmt>", views.report_download, name="report"),
    path("<int:pk>/van-ban-bao-cao/", views.report_texts, name="report_texts"),
    path("<int:pk>/van-ban-bao-cao/mau/", views.report_template, name="report_template"),
    path(
        "<int:pk>/van-ban-bao-cao/mau/bo/",
        views.report_template_delete,
        name="report_template_delete",
    ),
    path("<int:pk>/bieu-do/<str:level>/<str:kind>.png", views.chart, name="chart"),
]
