"""The appraisal in Django's admin, for looking only: every change goes through the
services, which check the workflow and write the audit trail (an edit here would do
neither)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from portal.appraisals.models import Appraisal, Assignment, EvidenceVerdict, Response, TeamMember


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Assignment
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TeamMember)
class TeamMemberAdmin(_ReadOnly):
    list_display = ("user", "campaign", "chair")
    list_filter = ("campaign",)
    search_fields = ("user__full_name", "user__username")
    inlines = [AssignmentInline]


@admin.register(Appraisal)
class AppraisalAdmin(_ReadOnly):
    list_display = ("campaign_unit", "round", "criterion", "value", "updated_by", "updated_at")
    list_filter = ("round__campaign", "round__number")
    search_fields = ("criterion", "campaign_unit__unit__name")


@admin.register(EvidenceVerdict)
class EvidenceVerdictAdmin(_ReadOnly):
    list_display = ("evidence", "round", "verdict", "updated_by", "updated_at")
    list_filter = ("round__campaign", "verdict")


@admin.register(Response)
class ResponseAdmin(_ReadOnly):
    list_display = ("campaign_unit", "round", "criterion", "kind", "updated_by", "updated_at")
    list_filter = ("round__campaign", "kind")
    search_fields = ("criterion", "campaign_unit__unit__name")
