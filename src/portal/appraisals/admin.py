"""The appraisal in Django's admin, for looking only: every change goes through the
services, which check the workflow and write the audit trail (an edit here would do
neither)."""

from __future__ import annotations

from django.contrib import admin

from portal.appraisals.models import Appraisal, Assignment, EvidenceVerdict, Response, TeamMember
from portal.read_only_admin import ReadOnlyAdmin, ReadOnlyInline


class AssignmentInline(ReadOnlyInline):
    model = Assignment


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("user", "campaign", "chair")
    list_filter = ("campaign",)
    search_fields = ("user__full_name", "user__username")
    inlines = [AssignmentInline]


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ("campaign_unit", "round", "criterion", "value", "updated_by", "updated_at")
    list_filter = ("round__campaign", "round__number")
    search_fields = ("criterion", "campaign_unit__unit__name")


@admin.register(EvidenceVerdict)
class EvidenceVerdictAdmin(ReadOnlyAdmin):
    list_display = ("evidence", "round", "verdict", "updated_by", "updated_at")
    list_filter = ("round__campaign", "verdict")


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("campaign_unit", "round", "criterion", "kind", "updated_by", "updated_at")
    list_filter = ("round__campaign", "kind")
    search_fields = ("criterion", "campaign_unit__unit__name")
