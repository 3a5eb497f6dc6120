"""Read-only admin views of self-assessments: changes go through the pages and services
(workflow checks, optimistic locking, the signed snapshot), never through the admin."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from portal.assessments.models import Answer, Evidence, Submission, SubmissionEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AnswerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Answer
    extra = 0
    fields = ("criterion", "value", "note", "version", "updated_by", "updated_at")
    readonly_fields = fields
    can_delete = False


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = SubmissionEvent
    extra = 0
    fields = ("at", "action", "actor", "note")
    readonly_fields = fields
    can_delete = False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("campaign_unit", "state", "submitted_at", "approved_at")
    list_filter = ("state", "campaign_unit__campaign")
    search_fields = ("campaign_unit__unit__name",)
    inlines = [AnswerInline, EventInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "criterion", "submission", "size", "uploaded_by")
    search_fields = ("original_name", "sha256")
