from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.public import data_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("tai-khoan/", include("portal.accounts.urls")),
    path("don-vi/", include("portal.units.urls")),
    path("bo-chi-so/", include("portal.frameworks.urls")),
    path("dot-danh-gia/", include("portal.campaigns.urls")),
    path("tu-danh-gia/", include("portal.assessments.urls")),
    path("tham-dinh/", include("portal.appraisals.urls")),
    path("chi-so-he-thong/", include("portal.indicators.urls")),
    path("thong-bao/", include("portal.notifications.urls")),
    path("nhat-ky/", include("portal.auditlog.urls")),
    path("cong-bo/", include("portal.publication.urls")),
    path("phan-tich/", include("portal.analysis.urls")),
    path("chu-ky-so/", include("portal.signatures.urls")),
    path("ket-qua/", include("portal.public.urls")),
    path("viec/", include("portal.jobs.urls")),
    path("sitemap.xml", data_views.sitemap, name="sitemap"),
    path("sitemap/ket-qua.xml", data_views.sitemap_landing, name="sitemap_landing"),
    path("sitemap/tinh/<slug:province>.xml", data_views.sitemap_province, name="sitemap_province"),
    path("robots.txt", data_views.robots, name="robots"),
    path("api/", include("portal.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the switcher in base.html
    path("quan-tri/", admin.site.urls),  # PortalAdminSite: behind the second factor
]
