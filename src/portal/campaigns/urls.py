from django.urls import path

from portal.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
]
