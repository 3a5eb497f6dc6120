from django.urls import path

from portal.analysis import views

app_name = "analysis"
urlpatterns = [
    path("dot/<int:pk>/", views.overview, name="overview"),
    path("dot/<int:pk>/do-tin-cay/", views.robustness, name="robustness"),
    path("dot/<int:pk>/gia-dinh/", views.what_if, name="what_if"),
    path("dot/<int:pk>/don-vi/<slug:unit>/", views.plan, name="plan"),
    path("dot/<int:pk>/nam-truoc/", views.past, name="past"),
]
