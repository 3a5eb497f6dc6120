from django.urls import path

from portal.api.views import api

app_name = "api"
urlpatterns = [path("", api.urls)]
