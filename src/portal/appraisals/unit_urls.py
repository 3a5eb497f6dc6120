"""The unit's side of appraisal (results returned, responses, the side-by-side view, the
to-do list); included in portal.appraisals.urls under the app's namespace."""

from django.urls import path

from portal.appraisals import unit_views

_ROUND = "don-vi/<int:pk>/vong/<int:number>"

urlpatterns = [
    path("", unit_views.todo, name="todo"),
    path("don-vi/<int:pk>/ket-qua/", unit_views.results, name="unit_results"),
    path("don-vi/<int:pk>/doi-chieu/", unit_views.compare, name="compare"),
    path(f"{_ROUND}/phan-hoi/", unit_views.respond, name="unit_respond"),
    path(
        f"{_ROUND}/minh-chung/<str:code>/tai-len/",
        unit_views.evidence_upload,
        name="unit_evidence_upload",
    ),
    path(
        f"{_ROUND}/minh-chung/<str:code>/lien-ket/",
        unit_views.evidence_link,
        name="unit_evidence_link",
    ),
    path(
        f"{_ROUND}/minh-chung/<int:evidence_pk>/xoa/",
        unit_views.evidence_delete,
        name="unit_evidence_delete",
    ),
]
