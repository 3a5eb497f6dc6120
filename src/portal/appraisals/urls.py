from django.urls import path  # noqa: F401

from portal.appraisals import unit_urls

app_name = "appraisals"
urlpatterns: list = [
    *unit_urls.urlpatterns,
]
