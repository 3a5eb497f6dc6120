from django.urls import path  # noqa: F401

app_name = "units"
urlpatterns: list = []  # type: ignore[type-arg]
