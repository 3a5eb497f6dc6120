"""The unit's side of appraisal (results returned, responses, the side-by-side view, the
to-do list); included in portal.appraisals.urls under the app's namespace."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
