from django.urls import path  # noqa: F401

app_name = "frameworks"
urlpatterns: list = []  # type: ignore[type-arg]
