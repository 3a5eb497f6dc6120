from django.urls import path

from portal.assessments import unit_urls, views

app_name = "assessments"
urlpatterns = [
    *unit_urls.urlpatterns,
    path("", views.mine, name="mine"),
    path(
        "dot/<int:pk>/kiem-tra-chu-ky-so/",
        views.evidence_signatures_recheck,
        name="evidence_signatures_recheck",
    ),
    path("<int:pk>/", views.form, name="form"),
    path("<int:pk>/luu-nhap/", views.save, name="save"),
    path("<int:pk>/tinh-diem/", views.score, name="score"),
    path("<int:pk>/tinh-trang/", views.status, name="status"),
    path("<int:pk>/gui/", views.submit, name="submit"),
    path("<int:pk>/phe-duyet/", views.approve, name="approve"),
    path("<int:pk>/ban-tu-danh-gia.pdf", views.document, name="document"),
    path("<int:pk>/ban-ky-so.pdf", views.signed_copy, name="signed_copy"),
    path("<int:pk>/tra-lai/", views.return_, name="return"),
    path("<int:pk>/mo-lai/", views.reopen, name="reopen"),
    path(
        "<int:pk>/minh-chung/<str:criterion>/tai-len/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "<int:pk>/minh-chung/<str:criterion>/lien-ket/", views.evidence_link, name="evidence_link"
    ),
    path(
        "<int:pk>/minh-chung/<int:evidence_pk>/xoa/", views.evidence_delete, name="evidence_delete"
    ),
    path(
        "<int:pk>/minh-chung/<int:evidence_pk>/tai-ve/",
        views.evidence_download,
        name="evidence_download",
    ),
]
