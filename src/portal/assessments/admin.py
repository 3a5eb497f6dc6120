"""Read-only admin views of self-assessments: changes go through the pages and services
(workflow checks, optimistic locking, the signed snapshot), never through the admin."""

from __future__ import annotations

from django.contrib import admin

from portal.assessments.models import (
    Answer,
    Evidence,
    EvidenceSignature,
    Submission,
    SubmissionEvent,
    SubmissionSignature,
)
from portal.read_only_admin import ReadOnlyAdmin, ReadOnlyInline


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ("criterion", "value", "note", "version", "updated_by", "updated_at")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = ("at", "action", "actor", "note")
    readonly_fields = fields


class SignatureInline(ReadOnlyInline):
    model = SubmissionSignature
    fields = ("uploaded_at", "uploaded_by", "signer_name", "signed_at", "status", "size")
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("campaign_unit", "state", "submitted_at", "approved_at")
    list_filter = ("state", "campaign_unit__campaign")
    search_fields = ("campaign_unit__unit__name",)
    inlines = [AnswerInline, EventInline, SignatureInline]


class EvidenceSignatureInline(ReadOnlyInline):
    model = EvidenceSignature
    fields = ("position", "signer_name", "signed_at", "status", "revocation_checked", "checked_at")
    readonly_fields = fields


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "criterion", "submission", "size", "uploaded_by")
    search_fields = ("original_name", "sha256")
    inlines = [EvidenceSignatureInline]
