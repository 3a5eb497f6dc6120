"""The portal's URL configuration as a change could leave it, for proving that the matrix
notices: the health check gone, a namespaced page and an unnamed one added."""

from django.urls import include, path

from portal import urls, views

_NEW_PAGES = ([path("xem/", views.home, name="xem")], "bao_cao_moi")

urlpatterns = [
    *(pattern for pattern in urls.urlpatterns if getattr(pattern, "name", None) != "healthz"),
    path("bao-cao-moi/", include(_NEW_PAGES)),
    path("vo-danh/", views.home),
]
