from django.urls import path

from portal.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.index, name="index"),
    path("mau-trong.xlsx", views.blank_template, name="blank_template"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/bo-chi-so.yaml", views.download_yaml, name="download_yaml"),
    path("<int:pk>/bo-chi-so.xlsx", views.download_xlsx, name="download_xlsx"),
    path("<int:pk>/nhan-ban/", views.clone, name="clone"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/xoa/", views.delete, name="delete"),
    path("tinh/<slug:province>/nhap-yaml/", views.import_yaml, name="import_yaml"),
    path("tinh/<slug:province>/nhap-excel/", views.import_xlsx, name="import_xlsx"),
]
