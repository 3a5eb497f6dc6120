"""The public results portal, no sign-in: every URL names what it shows, so links stay
valid (province code, year, level code, table key). A version's pages exist twice: the
current version at <province>/<year>/, and any published version, superseded or not, at
<province>/<year>/phien-ban-<n>/."""

from django.urls import URLPattern, URLResolver, include, path

from portal.public import views

app_name = "public"

version_patterns: list[URLPattern | URLResolver] = [
    path("", views.version, name="version"),
    path("phuong-phap/", views.methodology, name="methodology"),
    path("dinh-chinh/", views.corrections, name="corrections"),
    path("", include("portal.public.data_urls")),
    path("<slug:level>/", views.ranking, name="ranking"),
    path("<slug:level>/so-sanh/", views.compare, name="compare"),
    path("<slug:level>/don-vi/<slug:unit>/", views.unit, name="unit"),
    path("<slug:level>/<slug:table>/", views.ranking, name="table"),
]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("tim-kiem/", views.search, name="search"),
    path("<slug:province>/", views.province, name="province"),
    # The numbered prefix first: "phien-ban-2" would otherwise be taken for a level's code.
    path("<slug:province>/<int:year>/phien-ban-<int:number>/", include(version_patterns)),
    path("<slug:province>/<int:year>/", include(version_patterns)),
]
