from django.urls import path

from portal.auditlog import views

app_name = "audit"
urlpatterns = [
    path("dot/<int:campaign_id>/", views.campaign_log, name="campaign"),
    path("dot/<int:campaign_id>/nhat-ky.xlsx", views.export_xlsx, name="export_xlsx"),
    path("dot/<int:campaign_id>/nhat-ky.<str:fmt>", views.export, name="export"),
    path("dot/<int:campaign_id>/kiem-tra/", views.integrity_check, name="check"),
    path("dot/<int:campaign_id>/don-vi/<int:unit_id>/", views.unit_log, name="unit"),
    path(
        "dot/<int:campaign_id>/don-vi/<int:unit_id>/tieu-chi/<str:code>/",
        views.criterion_log,
        name="criterion",
    ),
]
