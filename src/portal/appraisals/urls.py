"""The team's pages (the campaign's appraisal, its team, the scoring sheet) and the unit's
(unit_urls), under /tham-dinh/."""

from django.urls import path

from portal.appraisals import unit_urls, views

app_name = "appraisals"
_CAMPAIGN = "dot/<int:pk>"
_TEAM = f"{_CAMPAIGN}/to-tham-dinh"
_SHEET = "don-vi/<int:pk>/vong/<int:number>"

urlpatterns = [
    *unit_urls.urlpatterns,
    path(f"{_CAMPAIGN}/", views.dashboard, name="dashboard"),
    path(f"{_CAMPAIGN}/vong/", views.round_move, name="round_move"),
    path(f"{_CAMPAIGN}/vong-cuoi/", views.round_final, name="round_final"),
    path(f"{_CAMPAIGN}/chot-ket-qua/", views.finalize, name="finalize"),
    path(f"{_TEAM}/", views.team, name="team"),
    path(f"{_TEAM}/thanh-vien/", views.member_add, name="member_add"),
    path(f"{_TEAM}/thanh-vien/<int:member_pk>/bo/", views.member_remove, name="member_remove"),
    path(f"{_TEAM}/thanh-vien/<int:member_pk>/to-truong/", views.chair_set, name="chair_set"),
    path(f"{_TEAM}/phan-cong/", views.assignment_new, name="assignment_add"),
    path(
        f"{_TEAM}/phan-cong/<int:assignment_pk>/bo/",
        views.assignment_delete,
        name="assignment_remove",
    ),
    path(f"{_SHEET}/", views.sheet, name="sheet"),
    path(f"{_SHEET}/luu/", views.sheet_save, name="sheet_save"),
    path(f"{_SHEET}/tinh-diem/", views.sheet_score, name="sheet_score"),
    path(
        "don-vi/<int:pk>/minh-chung/<int:evidence_pk>/tai-ve/",
        views.evidence_download,
        name="evidence_download",
    ),
]
