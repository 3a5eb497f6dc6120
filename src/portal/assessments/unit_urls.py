"""The office's actions on several units of a campaign (unit_views); included in
portal.assessments.urls under the app's namespace."""

from django.urls import path

from portal.assessments import unit_views

urlpatterns = [
    path("dot/<int:pk>/tien-do/", unit_views.progress_bulk, name="progress_bulk"),
    path("dot/<int:pk>/tien-do.<str:fmt>", unit_views.progress_export, name="progress_export"),
]
