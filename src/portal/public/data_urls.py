"""Open data of a version (included in portal.public.urls under a version's prefix): each
published table as CSV, XLSX and JSON, the data package describing them, the report."""

from django.urls import path

from portal.public import data_views

urlpatterns = [
    path("datapackage.json", data_views.datapackage, name="datapackage"),
    path("bao-cao.<str:fmt>", data_views.report, name="report"),
    path("<slug:level>/<slug:table>.<str:fmt>", data_views.table_file, name="table_file"),
]
