from django.urls import path

from portal.publication import views

app_name = "publication"
urlpatterns = [
    path("<int:pk>/", views.manage, name="manage"),
    path("<int:pk>/cong-bo/", views.publish, name="publish"),
    path("<int:pk>/sua-ket-qua/", views.correct, name="correct"),
    path("<int:pk>/cai-dat/", views.settings_page, name="settings"),
    path("phien-ban/<int:version_pk>/phe-duyet/", views.approve, name="approve"),
    path("phien-ban/<int:version_pk>/tra-lai/", views.refuse, name="refuse"),
    path("phien-ban/<int:version_pk>/bao-cao-de-ky.pdf", views.to_sign, name="to_sign"),
    path("phien-ban/<int:version_pk>/bao-cao-da-ky/", views.signed_report, name="signed"),
]
