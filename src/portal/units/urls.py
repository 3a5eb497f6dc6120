from django.urls import path

from portal.units import views

app_name = "units"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/sua/", views.unit_edit, name="edit"),
    path("tinh/<slug:province>/them/", views.unit_create, name="create"),
    path("tinh/<slug:province>/xuat.xlsx", views.registry_export, name="export"),
    path("tinh/<slug:province>/nhap/", views.registry_import, name="import"),
    path("tinh/<slug:province>/ke-thua/them/", views.lineage_create, name="lineage_create"),
    path("ke-thua/<int:pk>/xoa/", views.lineage_delete, name="lineage_delete"),
]
