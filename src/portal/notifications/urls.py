from django.urls import path

from portal.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("da-doc-het/", views.read_all, name="read_all"),
    path("cai-dat/", views.settings_page, name="settings"),
    path("<int:pk>/da-doc/", views.read, name="read"),
    path("<int:pk>/mo/", views.open_, name="open"),
]
